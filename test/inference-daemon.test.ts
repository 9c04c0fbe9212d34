/**
 * The real inference daemon process over real ZeroMQ sockets: readiness with a boot id, the
 * versioned control handshake, masks for phantom frames with per-stage timestamps, a prompt seeded
 * on the frame it was placed on, stale frames skipped, clean stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhantom } from '../capture/phantom/index.ts';
import { decodeEnvelope, encodeEnvelope } from '../inference/protocol/envelope.ts';
import { decodeRle } from '../inference/protocol/mask-rle.ts';
import {
  MasksHeader,
  parseHeader,
  Reply,
  StatusHeader,
  type FrameHeader,
} from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';
import { startService, type Service } from './support/processes.ts';
import { diceAgainstLabel } from '../bench/eval/overlap-metrics.ts';
import { interiorPointPrompt } from '../bench/eval/prompts-from-truth.ts';

const dir = mkdtempSync(join(tmpdir(), 'daemon-'));
const endpoints = {
  POCUS_FRAMES_ENDPOINT: `ipc://${join(dir, 'frames.sock')}`,
  POCUS_RESULTS_ENDPOINT: `ipc://${join(dir, 'results.sock')}`,
  POCUS_CONTROL_ENDPOINT: `ipc://${join(dir, 'control.sock')}`,
};
const W = 256;
const phantom = createPhantom({ width: W, height: W, seed: 77 });

describe('inference daemon (real process, real sockets)', () => {
  let daemon: Service;
  const frames = new zmq.Publisher();
  const results = new zmq.Subscriber();
  const control = new zmq.Dealer();
  let requestId = 0;

  const request = async (body: Record<string, unknown>, v = PROTOCOL_VERSION) => {
    requestId += 1;
    await control.send(encodeEnvelope({ v, kind: 'request', id: requestId, ...body }));
    const [reply] = await control.receive();
    return parseHeader(Reply, decodeEnvelope(reply!).header, 'reply');
  };

  const nextOf = async (kind: 'masks' | 'status') => {
    for (;;) {
      const [m] = await results.receive();
      const { header, body } = decodeEnvelope(m!);
      if (header.kind === kind) return { header, body };
    }
  };

  let seq = 0;
  const publishFrame = async (index: number, capturedAtNs = process.hrtime.bigint()) => {
    const f = phantom.frame(index);
    const header: FrameHeader = {
      v: PROTOCOL_VERSION,
      kind: 'frame',
      seq: seq++,
      capturedAtNs: capturedAtNs.toString(),
      wallTimeMs: Date.now(),
      width: W,
      height: W,
      pixelType: 'uint8',
      channels: 1,
      sourceId: 'synthetic',
      synthetic: { seed: 77, index },
    };
    await frames.send(encodeEnvelope(header, f.image));
    return { header, frame: f };
  };

  beforeAll(async () => {
    await frames.bind(endpoints.POCUS_FRAMES_ENDPOINT);
    daemon = startService('inference/main.ts', { ...endpoints, POCUS_EXECUTION_PROVIDERS: 'cpu' });
    await daemon.waitFor(/ready: boot/);
    results.connect(endpoints.POCUS_RESULTS_ENDPOINT);
    results.subscribe();
    control.connect(endpoints.POCUS_CONTROL_ENDPOINT);
  });

  afterAll(async () => {
    frames.close();
    results.close();
    control.close();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces itself with a boot id and answers hello with its protocol version and model', async () => {
    const status = parseHeader(StatusHeader, (await nextOf('status')).header, 'status');
    expect(status.bootId).toMatch(/[0-9a-f-]{36}/);
    const hello = await request({ op: 'hello' });
    expect(hello.ok).toBe(true);
    if (hello.ok)
      expect(hello.result).toMatchObject({
        protocolVersion: PROTOCOL_VERSION,
        bootId: status.bootId,
        modelId: 'builtin',
      });
  });

  it('refuses another protocol version and malformed requests with coded errors', async () => {
    const wrong = await request({ op: 'hello' }, PROTOCOL_VERSION + 1);
    expect(wrong).toMatchObject({
      id: requestId,
      ok: false,
      error: { code: 'PROTOCOL_VERSION_MISMATCH' },
    });
    const bad = await request({ op: 'setPrompts', prompts: 'nope' });
    expect(bad).toMatchObject({ id: requestId, ok: false, error: { code: 'PROTOCOL_MALFORMED' } });
  });

  it('publishes masks on the frame they were computed on, with stage timestamps in order', async () => {
    const target = phantom
      .frame(0)
      .objects.find((o) => o.kind !== 'reflector' && o.inViewFraction === 1 && o.contrastDb < -12)!;
    const set = await request({
      op: 'setPrompts',
      prompts: [
        {
          objectId: 'a',
          points: [{ x: target.centroid.x, y: target.centroid.y, label: 'positive' }],
        },
      ],
    });
    expect(set.ok).toBe(true);
    const sent = new Map<number, ReturnType<typeof phantom.frame>>();
    const pump = setInterval(() => {
      const index = seq;
      void publishFrame(index).then((s) => sent.set(s.header.seq, s.frame));
    }, 33);
    try {
      let masks: MasksHeader | undefined;
      let body: Buffer | undefined;
      while (!masks || masks.objects.length === 0 || !sent.has(masks.frameSeq)) {
        const m = await nextOf('masks');
        masks = parseHeader(MasksHeader, m.header, 'masks');
        body = m.body;
      }
      const ns = [
        masks.capturedAtNs,
        masks.receivedAtNs,
        masks.encodeStartNs,
        masks.encodeEndNs,
        masks.decodeEndNs,
        masks.publishedAtNs,
      ].map(BigInt);
      for (let i = 1; i < ns.length; i++) expect(ns[i]! >= ns[i - 1]!).toBe(true);
      expect(masks.modelId).toBe('builtin');
      const obj = masks.objects[0]!;
      expect(obj.objectId).toBe('a');
      const mask = decodeRle(
        new Uint8Array(body!.subarray(obj.rleOffset, obj.rleOffset + obj.rleLength)),
        new Uint8Array(W * W),
      );
      expect(diceAgainstLabel(mask, sent.get(masks.frameSeq)!.labels, target.id)).toBeGreaterThan(
        0.8,
      );
    } finally {
      clearInterval(pump);
    }
  });

  it('seeds a prompt on the frame it was placed on and tracks it to the newest frame', async () => {
    // A vessel that moves off the tapped spot within ten frames: a tap on frame A, seeded on the
    // newest frame instead, would land beside it.
    const A = 42;
    const target = 3;
    const tapFrame = phantom.frame(A);
    const tap = interiorPointPrompt(
      Uint8Array.from(tapFrame.labels, (v) => (v === target ? 1 : 0)),
      W,
      W,
    )!;
    expect((await request({ op: 'setPrompts', prompts: [] })).ok).toBe(true);
    const sent = new Map<number, ReturnType<typeof phantom.frame>>();
    let placedSeq = -1;
    for (let index = A; index <= A + 10; index++) {
      const s = await publishFrame(index);
      sent.set(s.header.seq, s.frame);
      if (index === A) placedSeq = s.header.seq;
      await new Promise((r) => setTimeout(r, 33));
    }
    const set = await request({
      op: 'setPrompts',
      prompts: [
        {
          objectId: 'placed',
          points: [{ x: tap.x, y: tap.y, label: 'positive' }],
          frameSeq: placedSeq,
        },
      ],
    });
    expect(set.ok).toBe(true);
    let index = A + 11;
    const pump = setInterval(() => {
      void publishFrame(index++).then((s) => sent.set(s.header.seq, s.frame));
    }, 33);
    try {
      for (;;) {
        const m = await nextOf('masks');
        const masks = parseHeader(MasksHeader, m.header, 'masks');
        const obj = masks.objects.find((o) => o.objectId === 'placed');
        const shown = sent.get(masks.frameSeq);
        if (!obj || !shown) continue;
        expect(masks.frameSeq).toBeGreaterThan(placedSeq + 9);
        // The tapped spot is no longer on the vessel…
        expect(shown.labels[Math.round(tap.y) * W + Math.round(tap.x)]).not.toBe(target);
        // …but the mask is.
        const mask = decodeRle(
          new Uint8Array(m.body.subarray(obj.rleOffset, obj.rleOffset + obj.rleLength)),
          new Uint8Array(W * W),
        );
        expect(diceAgainstLabel(mask, shown.labels, target)).toBeGreaterThan(0.7);
        break;
      }
    } finally {
      clearInterval(pump);
    }
  });

  it('does not seed the first prompt after a pause in prompting on a frame from before it', async () => {
    // Masks for 'placed' came from the previous test's frames; then no prompts for a while.
    expect((await request({ op: 'setPrompts', prompts: [] })).ok).toBe(true);
    const before = seq;
    for (let i = 0; i < 3; i++) {
      await publishFrame(100 + i);
      await new Promise((r) => setTimeout(r, 33));
    }
    const set = await request({
      op: 'setPrompts',
      prompts: [{ objectId: 'fresh', points: [{ x: W / 2, y: W / 2, label: 'positive' }] }],
    });
    expect(set.ok).toBe(true);
    let index = 103;
    const pump = setInterval(() => void publishFrame(index++), 33);
    try {
      for (;;) {
        const masks = parseHeader(MasksHeader, (await nextOf('masks')).header, 'masks');
        if (!masks.objects.some((o) => o.objectId === 'fresh')) continue;
        // Its first mask is computed on a frame sent after the prompt, not on the last frame
        // encoded while there were prompts (before the pause).
        expect(masks.frameSeq).toBeGreaterThanOrEqual(before + 3);
        break;
      }
    } finally {
      clearInterval(pump);
    }
  });

  it('never starts a frame older than one tick: it is counted as skipped', async () => {
    const before = parseHeader(StatusHeader, (await nextOf('status')).header, 'status').stats
      .framesSkippedStale;
    await publishFrame(1, process.hrtime.bigint() - 5_000_000_000n);
    let after = before;
    for (let i = 0; i < 5 && after === before; i++) {
      after = parseHeader(StatusHeader, (await nextOf('status')).header, 'status').stats
        .framesSkippedStale;
    }
    expect(after).toBe(before + 1);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await daemon.stop('SIGTERM')).toBe(0);
  });
});
