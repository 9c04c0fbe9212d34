import { describe, expect, it } from 'vitest';
import { ClientSender, type SocketLike } from '../appliance/live/client-sender.ts';
import { EncodeSlot } from '../appliance/live/encode-slot.ts';
import { LatestMasks } from '../appliance/live/latest-masks.ts';
import { Pairing } from '../appliance/live/pairing.ts';
import type { EncodedFrame, FrameMasks } from '../appliance/live/stream-types.ts';
import { BoundedSeqMap } from '../appliance/bounded-seq-map.ts';
import { RateMeter } from '../appliance/rate-meter.ts';

const MS = 1_000_000n;
const frame = (seq: number, atMs = seq * 33): EncodedFrame => ({
  seq,
  sourceId: 'src',
  capturedAtNs: (BigInt(1_000_000 + atMs) * MS).toString(),
  width: 4,
  height: 4,
  channels: 1,
  encoding: 'raw',
  image: new Uint8Array(16),
  readyAtMs: atMs,
});
const masks = (seq: number, atMs = seq * 33): FrameMasks => ({
  frameSeq: seq,
  capturedAtNs: (BigInt(1_000_000 + atMs) * MS).toString(),
  width: 4,
  height: 4,
  objects: [],
});
const seqs = (out: { frame: EncodedFrame; masks: FrameMasks | null }[]) =>
  out.map((e) => `${e.frame.seq}${e.masks ? '+m' : ''}`);

describe('pairing (paired mode)', () => {
  it('sends frames at once while no masks flow, then holds each for its own masks', () => {
    const p = new Pairing({ maxMaskAgeMs: 250 });
    expect(seqs(p.addFrame(frame(1), 0))).toEqual(['1']);
    expect(seqs(p.addMasks(masks(1), 10))).toEqual([]); // late: frame 1 went alone
    expect(p.stats.lateMasks).toBe(1);
    expect(seqs(p.addFrame(frame(2), 33))).toEqual([]); // masks flow now: held
    expect(seqs(p.addMasks(masks(2), 60))).toEqual(['2+m']);
    expect(p.stats).toMatchObject({ paired: 1, alone: 1 });
  });

  it('masks that arrive before their frame is encoded pair when it comes', () => {
    const p = new Pairing({ maxMaskAgeMs: 250 });
    p.addMasks(masks(0), 0);
    expect(seqs(p.addMasks(masks(5), 10))).toEqual([]);
    expect(seqs(p.addFrame(frame(5), 12))).toEqual(['5+m']);
  });

  it('a frame whose masks do not come within the max age goes alone; older held frames are dropped', () => {
    const p = new Pairing({ maxMaskAgeMs: 250 });
    p.addMasks(masks(0), 0);
    p.addFrame(frame(1), 10);
    p.addFrame(frame(2), 40);
    expect(p.nextDeadlineMs()).toBe(260);
    expect(seqs(p.expire(259))).toEqual([]);
    expect(seqs(p.expire(300))).toEqual(['2']); // frame 1 also expired: superseded by 2
    expect(p.stats).toMatchObject({ alone: 1, superseded: 1 });
    expect(p.nextDeadlineMs()).toBeNull();
  });

  it('masks for seq s release the held frames older than s; output seqs only increase', () => {
    const p = new Pairing({ maxMaskAgeMs: 250 });
    p.addMasks(masks(0), 0);
    p.addFrame(frame(3), 1);
    p.addFrame(frame(4), 2);
    expect(seqs(p.addMasks(masks(4), 3))).toEqual(['4+m']);
    expect(p.stats.superseded).toBe(1);
    expect(seqs(p.addFrame(frame(2), 4))).toEqual([]); // older than one sent
    expect(seqs(p.addMasks(masks(3), 5))).toEqual([]);
  });

  it('starts over when seq goes back while capture time goes on (source restarted)', () => {
    const p = new Pairing({ maxMaskAgeMs: 250 });
    expect(seqs(p.addFrame(frame(100, 0), 0))).toEqual(['100']);
    expect(seqs(p.addFrame(frame(0, 5000), 5000))).toEqual(['0']);
  });

  it('holds at most `window` frames (oldest evicted and counted)', () => {
    const p = new Pairing({ maxMaskAgeMs: 10_000, window: 3 });
    p.addMasks(masks(0), 0);
    for (let s = 1; s <= 5; s++) p.addFrame(frame(s), s);
    expect(p.stats.superseded).toBe(2);
    expect(seqs(p.addMasks(masks(3), 6))).toEqual(['3+m']);
  });
});

describe('latest masks (newest mode)', () => {
  it('gives the last masks with their capture-clock age, and never masks older than the max age', () => {
    const l = new LatestMasks(250);
    expect(l.freshFor(frame(1))).toBeNull();
    l.set(masks(10, 1000));
    expect(l.freshFor(frame(11, 1100))).toMatchObject({ ageMs: 100 });
    expect(l.freshFor(frame(9, 900))).toMatchObject({ ageMs: 0 });
    expect(l.freshFor(frame(20, 1251))).toBeNull();
  });
});

class FakeSocket implements SocketLike {
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  private callbacks: ((e?: Error) => void)[] = [];
  send(data: Uint8Array, cb: (e?: Error) => void): void {
    this.sent.push(data);
    this.callbacks.push(cb);
  }
  /** The OS took everything so far. */
  drain(): void {
    for (const cb of this.callbacks.splice(0)) cb();
  }
}
const tag = (n: number) => Uint8Array.of(n);

describe('client sender (one pending frame per tablet)', () => {
  it('replaces a pending frame with the newest while the socket is busy, counting the drops', () => {
    const socket = new FakeSocket();
    const s = new ClientSender(socket);
    s.frame(tag(1)); // goes at once
    s.frame(tag(2));
    s.frame(tag(3));
    s.frame(tag(4));
    expect(socket.sent).toEqual([tag(1)]);
    socket.drain();
    expect(socket.sent).toEqual([tag(1), tag(4)]);
    expect(s.stats).toMatchObject({ framesSent: 2, framesDropped: 2 });
  });

  it('sends control replies first, then state, masks and the frame; keeps control FIFO bounded', () => {
    const socket = new FakeSocket();
    const s = new ClientSender(socket, 2);
    s.frame(tag(0));
    s.frame(tag(9));
    s.masks(tag(8));
    s.state(tag(7));
    s.control(tag(1));
    s.control(tag(2));
    s.control(tag(3)); // drops control 1
    for (let i = 0; i < 6; i++) socket.drain();
    expect(socket.sent.map((b) => b[0])).toEqual([0, 2, 3, 7, 8, 9]);
    expect(s.stats.controlDropped).toBe(1);
  });

  it('waits while the socket holds unsent data it did not send itself', async () => {
    const socket = new FakeSocket();
    socket.bufferedAmount = 100;
    const s = new ClientSender(socket);
    s.frame(tag(1));
    expect(socket.sent).toEqual([]);
    socket.bufferedAmount = 0;
    await new Promise((r) => setTimeout(r, 30));
    expect(socket.sent).toEqual([tag(1)]);
    s.close();
  });
});

describe('encode slot', () => {
  it('encodes one at a time; a waiting frame is replaced by a newer one', async () => {
    const done: number[] = [];
    const releases: (() => void)[] = [];
    const slot = new EncodeSlot<number, number>(
      (n) => new Promise((resolve) => releases.push(() => resolve(n))),
      (n) => done.push(n),
      () => undefined,
    );
    slot.submit(1);
    slot.submit(2);
    slot.submit(3);
    expect(releases).toHaveLength(1);
    releases.shift()?.();
    await Promise.resolve();
    await Promise.resolve();
    releases.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toEqual([1, 3]);
    expect(slot.dropped).toBe(1);
    expect(slot.idle).toBe(true);
  });
});

describe('small bounded helpers', () => {
  it('bounded seq map evicts the lowest seq', () => {
    const m = new BoundedSeqMap<string>(2);
    m.set(5, 'a');
    m.set(3, 'b');
    expect(m.set(9, 'c')).toBe('b');
    expect(m.values()).toEqual(['a', 'c']);
    expect(m.takeBelow(9)).toEqual(['a']);
    expect(m.evicted).toBe(1);
  });

  it('rate meter measures events per second over its window', () => {
    const r = new RateMeter(1000);
    for (let t = 0; t <= 3000; t += 40) r.record(t);
    expect(r.rateHz(3000)).toBeCloseTo(25, 5);
    expect(r.rateHz(10_000)).toBe(0);
  });
});
