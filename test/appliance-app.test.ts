/**
 * The appliance app: REST through inject(), and the live WebSocket with real `ws` clients against
 * an instance listening on port 0, fed through the hub's API (no ZeroMQ): hello, client messages
 * and their coded refusals, prompt broadcast, per-client backpressure, pairing and newest mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRle, encodeRle } from '../inference/protocol/mask-rle.ts';
import type { FrameHeader, MasksHeader, TrackInfo } from '../inference/protocol/messages.ts';
import { buildApp } from '../appliance/app.ts';
import { DaemonState } from '../appliance/daemon-state.ts';
import { createFrameEncoder, type FrameEncoder } from '../appliance/live/frame-encoder.ts';
import { createLiveHub, type LiveHub } from '../appliance/live/live-hub.ts';
import {
  decodeServerMessage,
  encodeClientMessage,
  maskBytes,
  type ClientMessageBody,
  TABLET_PROTOCOL_VERSION,
  type FrameMessage,
  type ServerMessage,
} from '../appliance/live/tablet-protocol.ts';
import { PALETTE } from '../appliance/palette.ts';
import { PromptService } from '../appliance/prompt-service.ts';
import { SourceMonitor } from '../appliance/source-monitor.ts';
import { Store } from '../appliance/store.ts';

const MS = 1_000_000n;
const BASE_NS = 5_000_000_000_000n;

interface Harness {
  app: FastifyInstance;
  hub: LiveHub;
  store: Store;
  prompts: PromptService;
  source: SourceMonitor;
  url: string;
  frame(seq: number, atMs?: number): void;
  masks(seq: number, atMs?: number, objects?: TestObject[]): void;
}

/** An object of a hand-made masks message; a lost one (track.state 'lost') is sent without mask. */
interface TestObject {
  objectId: string;
  mask: Uint8Array;
  track?: TrackInfo;
}

const TRACKING: TrackInfo = { state: 'tracking', quality: 0.9, framesSinceGood: 0 };

let dir: string;
let harness: Harness | null = null;
const clients: LiveClient[] = [];

function frameHeader(seq: number, atMs: number, width: number, height: number): FrameHeader {
  return {
    v: 1,
    kind: 'frame',
    seq,
    capturedAtNs: (BASE_NS + BigInt(atMs) * MS).toString(),
    wallTimeMs: 1.7e12 + atMs,
    width,
    height,
    pixelType: 'uint8',
    channels: 1,
    sourceId: 'test-source',
  };
}

async function start(options: {
  encoder?: FrameEncoder;
  width?: number;
  height?: number;
  maxMaskAgeMs?: number;
  listen?: boolean;
}): Promise<Harness> {
  const width = options.width ?? 32;
  const height = options.height ?? 24;
  const store = Store.open(join(dir, 'appliance.db'));
  const source = new SourceMonitor();
  const prompts = new PromptService({ store, imageSize: () => source.size() });
  const daemon = new DaemonState();
  const hub = createLiveHub({
    encoder: options.encoder ?? createFrameEncoder('raw'),
    prompts,
    daemonView: () => daemon.view(performance.now()),
    captureView: () => source.view(performance.now()),
    maxMaskAgeMs: options.maxMaskAgeMs ?? 250,
    log: () => undefined,
  });
  const app = buildApp({
    store,
    prompts,
    hub,
    source,
    daemon: () => daemon.view(performance.now()),
    uiDir: join(dir, 'no-ui'),
  });
  let url = '';
  if (options.listen !== false) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    url = `ws://127.0.0.1:${address.port}/live`;
  } else {
    await app.ready();
  }
  const pixels = new Uint8Array(width * height).map((_, i) => i % 251);
  harness = {
    app,
    hub,
    store,
    prompts,
    source,
    url,
    frame(seq, atMs = seq * 33) {
      const header = frameHeader(seq, atMs, width, height);
      source.record(header, performance.now());
      hub.pushFrame(header, pixels);
    },
    masks(seq, atMs = seq * 33, objects = []) {
      const rles = objects.map((o) =>
        o.track?.state === 'lost' ? new Uint8Array(0) : encodeRle(o.mask),
      );
      let offset = 0;
      const header: MasksHeader = {
        v: 1,
        kind: 'masks',
        bootId: 'boot',
        frameSeq: seq,
        capturedAtNs: (BASE_NS + BigInt(atMs) * MS).toString(),
        receivedAtNs: '1',
        encodeStartNs: '1',
        encodeEndNs: '1',
        decodeEndNs: '1',
        publishedAtNs: '1',
        modelId: 'builtin',
        modelSha256: 'x',
        width,
        height,
        objects: objects.map((o, i) => {
          const rleLength = rles[i]?.length ?? 0;
          const entry = {
            objectId: o.objectId,
            track: o.track ?? TRACKING,
            score: 0.9,
            areaPx: rleLength === 0 ? 0 : o.mask.reduce((a, b) => a + b, 0),
            rleOffset: offset,
            rleLength,
          };
          offset += rleLength;
          return entry;
        }),
        stats: {
          framesReceived: 0,
          framesProcessed: 0,
          framesSkippedStale: 0,
          ticksOverrun: 0,
          encodeRateHz: 0,
        },
      };
      const body = new Uint8Array(offset);
      let at = 0;
      for (const r of rles) {
        body.set(r, at);
        at += r.length;
      }
      hub.pushMasks(header, body);
    },
  };
  return harness;
}

class LiveClient {
  readonly ws: WebSocket;
  readonly messages: { header: ServerMessage; payload: Uint8Array }[] = [];
  private waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer) => {
      this.messages.push(decodeServerMessage(new Uint8Array(data)));
      for (const w of this.waiters.splice(0)) w();
    });
    clients.push(this);
  }

  send(message: ClientMessageBody | string): void {
    this.ws.send(typeof message === 'string' ? message : encodeClientMessage(message));
  }

  frames(): FrameMessage[] {
    return this.messages.map((m) => m.header).filter((h): h is FrameMessage => h.kind === 'frame');
  }

  /** Resolves with the first message (from `from` on) that satisfies `test`. */
  async next<K extends ServerMessage['kind']>(
    kind: K,
    test: (h: Extract<ServerMessage, { kind: K }>) => boolean = () => true,
    from = 0,
  ): Promise<{ header: Extract<ServerMessage, { kind: K }>; payload: Uint8Array; index: number }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      for (let i = from; i < this.messages.length; i++) {
        const m = this.messages[i];
        if (m && m.header.kind === kind && test(m.header as Extract<ServerMessage, { kind: K }>)) {
          return {
            header: m.header as Extract<ServerMessage, { kind: K }>,
            payload: m.payload,
            index: i,
          };
        }
      }
      if (Date.now() > deadline) throw new Error(`no ${kind} message came`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

function disc(width: number, height: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      m[y * width + x] = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r ? 1 : 0;
  return m;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocus-app-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await harness?.app.close();
  harness?.store.close();
  harness = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('REST API (inject)', () => {
  it('reports health and source, before and after frames', async () => {
    const h = await start({ listen: false });
    const health = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'degraded',
      capture: { state: 'down', lastFrameAgeMs: null },
      inference: { state: 'down', modelId: null },
      appliance: { state: 'ok', clients: 0, activePrompts: 0, storeSchemaVersion: 1 },
    });
    expect((await h.app.inject({ method: 'GET', url: '/api/source' })).json()).toMatchObject({
      state: 'down',
      sourceId: null,
      width: null,
    });
    h.frame(1);
    h.frame(3);
    const source = (await h.app.inject({ method: 'GET', url: '/api/source' })).json<
      Record<string, unknown>
    >();
    expect(source).toMatchObject({
      state: 'live',
      sourceId: 'test-source',
      width: 32,
      height: 24,
      channels: 1,
      lastSeq: 3,
      framesReceived: 2,
      framesSkipped: 1,
    });
    expect((await h.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
      capture: { state: 'live' },
    });
  });

  it('adds, lists and removes prompts with coded refusals', async () => {
    const h = await start({ listen: false });
    h.frame(1); // the image is 32×24 now
    const added = await h.app.inject({
      method: 'POST',
      url: '/api/prompts',
      headers: { 'x-client-name': 'console' },
      payload: { points: [{ x: 10, y: 12, label: 'positive' }] },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      prompt: { objectId: 'obj1', color: PALETTE[0], createdBy: 'console (rest)' },
    });
    const list = await h.app.inject({ method: 'GET', url: '/api/prompts' });
    expect(list.json<{ prompts: { objectId: string }[] }>().prompts.map((p) => p.objectId)).toEqual(
      ['obj1'],
    );
    expect(h.prompts.specs()[0]?.frameSeq).toBeUndefined();
    // The frame it was placed on goes to the daemon with it (not to the store).
    const placed = await h.app.inject({
      method: 'POST',
      url: '/api/prompts',
      payload: { points: [{ x: 3, y: 4, label: 'positive' }], frameSeq: 1 },
    });
    expect(placed.statusCode).toBe(201);
    expect(h.prompts.specs().map((p) => [p.objectId, p.frameSeq])).toEqual([
      ['obj1', undefined],
      ['obj2', 1],
    ]);
    expect((await h.app.inject({ method: 'DELETE', url: '/api/prompts/obj2' })).statusCode).toBe(
      200,
    );

    const cases: [object, number, string][] = [
      [{}, 400, 'BAD_REQUEST'],
      [{ points: [{ x: 1, y: 'a', label: 'positive' }] }, 400, 'BAD_REQUEST'],
      [{ points: [{ x: 1, y: 1, label: 'maybe' }] }, 400, 'BAD_REQUEST'],
      [{ points: [{ x: 40, y: 1, label: 'positive' }] }, 400, 'PROMPT_INVALID'],
      [{ points: [], box: { x0: 5, y0: 5, x1: 2, y1: 9 } }, 400, 'PROMPT_INVALID'],
      [{ points: [] }, 400, 'PROMPT_INVALID'],
      [{ points: [{ x: 1, y: 1, label: 'positive' }], frameSeq: -1 }, 400, 'BAD_REQUEST'],
      [{ points: [{ x: 1, y: 1, label: 'positive' }], frameSeq: 1.5 }, 400, 'BAD_REQUEST'],
    ];
    for (const [payload, status, code] of cases) {
      const r = await h.app.inject({ method: 'POST', url: '/api/prompts', payload });
      expect([r.statusCode, r.json<{ code: string }>().code], JSON.stringify(payload)).toEqual([
        status,
        code,
      ]);
      expect(typeof r.json<{ message: string }>().message).toBe('string');
    }
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/prompts',
      payload: '{"points": [',
      headers: { 'content-type': 'application/json' },
    });
    expect([bad.statusCode, bad.json<{ code: string }>().code]).toEqual([400, 'BAD_REQUEST']);

    const missing = await h.app.inject({ method: 'DELETE', url: '/api/prompts/obj9' });
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([
      404,
      'UNKNOWN_OBJECT',
    ]);
    const removed = await h.app.inject({ method: 'DELETE', url: '/api/prompts/obj1' });
    expect([removed.statusCode, removed.json()]).toEqual([200, { objectId: 'obj1' }]);

    const events = await h.app.inject({ method: 'GET', url: '/api/prompts/events?limit=10' });
    expect(
      events
        .json<{ events: { action: string; clientId: string; clientName: string }[] }>()
        .events.map((e) => [e.action, e.clientId]),
    ).toEqual([
      ['remove', 'rest'],
      ['remove', 'rest'],
      ['add', 'rest'],
      ['add', 'rest'],
    ]);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/prompts/events?limit=0' })).statusCode,
    ).toBe(400);
  });

  it('answers unknown routes, the missing UI bundle and plain GET /live with codes', async () => {
    const h = await start({ listen: false });
    const nope = await h.app.inject({ method: 'GET', url: '/api/nope' });
    expect([nope.statusCode, nope.json<{ code: string }>().code]).toEqual([404, 'NOT_FOUND']);
    const ui = await h.app.inject({ method: 'GET', url: '/' });
    expect(ui.statusCode).toBe(503);
    expect(ui.body).toMatch(/UI_NOT_BUILT/);
    const live = await h.app.inject({ method: 'GET', url: '/live' });
    expect([live.statusCode, live.json<{ code: string }>().code]).toEqual([
      426,
      'UPGRADE_REQUIRED',
    ]);
  });
});

describe('live WebSocket', () => {
  it('says hello, answers ping, refuses bad messages with codes, and broadcasts prompt changes to everyone', async () => {
    const h = await start({});
    h.frame(1);
    const a = new LiveClient(`${h.url}?name=Dr%20A`);
    const b = new LiveClient(h.url);
    const hello = await a.next('hello');
    expect(hello.header).toMatchObject({
      v: TABLET_PROTOCOL_VERSION,
      stream: { encoding: 'raw', mode: 'paired', maxMaskAgeMs: 250 },
    });
    await b.next('hello');

    a.send({ kind: 'ping', t: 123.5 });
    const pong = await a.next('pong');
    expect(pong.header.t).toBe(123.5);
    expect(BigInt(pong.header.serverNs) > 0n).toBe(true);

    a.send('not json');
    expect((await a.next('error')).header.code).toBe('BAD_MESSAGE');
    a.send(
      JSON.stringify({
        v: TABLET_PROTOCOL_VERSION,
        kind: 'addPrompt',
        x: 'left',
        y: 2,
        ref: 'tap-1',
      }),
    );
    expect((await a.next('error', (e) => e.ref === 'tap-1')).header.code).toBe('BAD_MESSAGE');
    a.send(JSON.stringify({ v: 7, kind: 'ping', t: 1 }));
    expect(
      (await a.next('error', (e) => e.code === 'PROTOCOL_VERSION_MISMATCH')).header.message,
    ).toMatch(/7/);
    a.ws.send(Buffer.from([1, 2, 3]));
    await a.next('error', (e) => /JSON text/.test(e.message));
    a.send({ kind: 'addPrompt', x: 500, y: 2, ref: 'far' });
    expect((await a.next('error', (e) => e.ref === 'far')).header.code).toBe('PROMPT_INVALID');
    a.send({ kind: 'removePrompt', objectId: 'obj42' });
    expect((await a.next('error', (e) => e.code === 'UNKNOWN_OBJECT')).header.message).toMatch(
      /obj42/,
    );

    a.send({ kind: 'addPrompt', x: 10.25, y: 7 });
    const seenByB = await b.next('state', (s) => s.prompts.length === 1);
    expect(seenByB.header.prompts[0]).toMatchObject({
      objectId: 'obj1',
      color: PALETTE[0],
      points: [{ x: 10.25, y: 7, label: 'positive' }],
    });
    expect(seenByB.header.objects[0]).toEqual({
      objectId: 'obj1',
      state: 'pending',
      quality: null,
      framesSinceGood: null,
      score: null,
      areaPx: null,
      frameSeq: null,
    });
    await a.next('state', (s) => s.prompts.length === 1);
    const stored = h.store.promptEvents(1)[0];
    expect(stored).toMatchObject({ action: 'add', objectId: 'obj1', clientName: 'Dr A' });
    expect(stored?.clientId).toMatch(/^tab-/);

    b.send({ kind: 'addPoint', objectId: 'obj1', x: 3, y: 4, label: 'negative' });
    await a.next('state', (s) => s.prompts[0]?.points.length === 2);
    const mark = a.messages.length;
    b.send({ kind: 'removePrompt', objectId: 'obj1' });
    await a.next(
      'state',
      (s) => s.prompts.length === 0 && s.client.clientId === hello.header.clientId,
      mark,
    );
    expect(h.prompts.list()).toEqual([]);
  });

  it('a tablet that stops reading loses its own frames (newest kept); the other gets every frame', async () => {
    const width = 1024;
    const height = 1024; // 1 MiB raw frames fill the socket buffers quickly
    const h = await start({ width, height });
    const fast = new LiveClient(h.url);
    const slow = new LiveClient(h.url);
    await fast.next('hello');
    await slow.next('hello');
    await slow.next('state');
    slow.ws.pause(); // stops reading: its socket fills up
    const slowId = (await slow.next('hello')).header.clientId;
    const slowStats = () => h.hub.stats().clients.find((c) => c.clientId === slowId);

    let seq = 0;
    let extra = 0;
    while (extra < 3) {
      seq += 1;
      if (seq > 400) throw new Error('the paused client never dropped a frame');
      h.frame(seq);
      await fast.next('frame', (f) => f.seq === seq);
      if ((slowStats()?.framesDropped ?? 0) > 0) extra += 1;
    }
    const last = seq;
    expect(fast.frames().map((f) => f.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(slowStats()?.framesDropped).toBeGreaterThan(0);

    slow.ws.resume();
    await slow.next('frame', (f) => f.seq === last);
    const slowSeqs = slow.frames().map((f) => f.seq);
    expect(slowSeqs.length).toBeLessThan(last);
    expect(slowSeqs.every((s, i) => i === 0 || s > (slowSeqs[i - 1] ?? 0))).toBe(true);
    expect(slowStats()?.framesDropped).toBe(last - slowSeqs.length);
  });

  it('paired mode: a frame goes with its own masks, or alone once the max mask age has passed', async () => {
    const h = await start({ maxMaskAgeMs: 100 });
    h.frame(1);
    expect(
      h.prompts.add({ points: [{ x: 16, y: 12, label: 'positive' }] }, { clientId: 't' }).ok,
    ).toBe(true);
    const c = new LiveClient(h.url);
    await c.next('hello');
    h.masks(0); // masks are flowing: frames now wait for theirs
    const mask = disc(32, 24, 16, 12, 6);
    h.frame(2);
    await h.hub.idle();
    h.masks(2, 66, [
      { objectId: 'obj1', mask },
      { objectId: 'removed-object', mask },
    ]);
    const paired = await c.next('frame', (f) => f.seq === 2);
    expect(paired.header.masks).toMatchObject({ frameSeq: 2, ageMs: 0 });
    expect(paired.header.masks?.objects.map((o) => [o.objectId, o.color])).toEqual([
      ['obj1', PALETTE[0]],
    ]);
    const object = paired.header.masks?.objects[0];
    if (!object) throw new Error('no object');
    expect(decodeRle(maskBytes(paired.payload, object), new Uint8Array(32 * 24))).toEqual(mask);
    expect(paired.payload.subarray(0, paired.header.imageLength).length).toBe(32 * 24);
    expect(object.track).toEqual(TRACKING);
    expect(
      (await c.next('state', (s) => s.objects[0]?.state === 'tracking')).header.objects[0],
    ).toEqual({
      objectId: 'obj1',
      state: 'tracking',
      quality: 0.9,
      framesSinceGood: 0,
      score: 0.9,
      areaPx: mask.reduce((a, b) => a + b, 0),
      frameSeq: 2,
    });

    h.frame(3); // its masks never come
    const alone = await c.next('frame', (f) => f.seq === 3);
    expect(alone.header.masks).toBeUndefined();
    h.masks(3); // too late for frame 3: never sent as a frame's masks
    h.frame(4);
    h.masks(4);
    const next = await c.next('frame', (f) => f.seq === 4);
    expect(next.header.masks?.frameSeq).toBe(4);
    expect(h.hub.stats().pairing).toMatchObject({ lateMasks: 1 });
  });

  it('carries track states to the tablets; a tap where a lost object was last seen re-acquires it', async () => {
    const h = await start({});
    h.frame(1);
    expect(
      h.prompts.add({ points: [{ x: 16, y: 12, label: 'positive' }] }, { clientId: 't' }).ok,
    ).toBe(true);
    const c = new LiveClient(`${h.url}?name=Dr%20C`);
    await c.next('hello');
    h.masks(0);
    const mask = disc(32, 24, 16, 12, 6);
    const lastBox = { x0: 10, y0: 6, x1: 22, y1: 18 };

    h.frame(2);
    await h.hub.idle();
    const uncertain: TrackInfo = {
      state: 'uncertain',
      quality: 0.42,
      reason: 'area-change',
      lastBox,
      framesSinceGood: 3,
    };
    h.masks(2, 66, [{ objectId: 'obj1', mask, track: uncertain }]);
    const shown = (await c.next('frame', (f) => f.seq === 2)).header.masks?.objects[0];
    expect(shown).toMatchObject({ objectId: 'obj1', track: uncertain });
    expect(shown?.rleLength).toBeGreaterThan(0);
    expect(
      (await c.next('state', (s) => s.objects[0]?.state === 'uncertain')).header.objects[0],
    ).toEqual({
      objectId: 'obj1',
      state: 'uncertain',
      quality: 0.42,
      reason: 'area-change',
      lastBox,
      framesSinceGood: 3,
      score: 0.9,
      areaPx: mask.reduce((a, b) => a + b, 0),
      frameSeq: 2,
    });

    h.frame(3);
    await h.hub.idle();
    const lost: TrackInfo = {
      state: 'lost',
      quality: 0.05,
      reason: 'left-view',
      lastBox,
      framesSinceGood: 12,
    };
    h.masks(3, 99, [{ objectId: 'obj1', mask, track: lost }]);
    const lostShown = (await c.next('frame', (f) => f.seq === 3)).header.masks?.objects[0];
    expect(lostShown).toMatchObject({ objectId: 'obj1', track: lost, areaPx: 0, rleLength: 0 });
    const lostState = (await c.next('state', (s) => s.objects[0]?.state === 'lost')).header;
    expect(lostState.objects[0]).toMatchObject({ lastBox, reason: 'left-view', areaPx: 0 });

    // Inside the last box grown by 25 % (x up to 22 + 3): a positive point on obj1, not a new object.
    c.send({ kind: 'addPrompt', x: 24.5, y: 12, frameSeq: 3, ref: 'reacquire' });
    const reacquired = await c.next('state', (s) => s.prompts[0]?.points.length === 2);
    expect(reacquired.header.prompts.map((p) => p.objectId)).toEqual(['obj1']);
    // The daemon re-seeds it on the frame the tap was placed on.
    expect(h.prompts.specs()[0]?.frameSeq).toBe(3);
    expect(reacquired.header.prompts[0]?.points[1]).toEqual({ x: 24.5, y: 12, label: 'positive' });
    const event = h.store.promptEvents(1)[0];
    expect(event).toMatchObject({ action: 'update', objectId: 'obj1', clientName: 'Dr C' });
    expect((event?.payload as { points: unknown[] }).points).toHaveLength(2);

    // Outside it: a new object as usual.
    c.send({ kind: 'addPrompt', x: 2, y: 2 });
    const added = await c.next('state', (s) => s.prompts.length === 2);
    expect(added.header.prompts[1]).toMatchObject({
      objectId: 'obj2',
      points: [{ x: 2, y: 2, label: 'positive' }],
    });
    expect(added.header.objects.map((o) => o.state)).toEqual(['lost', 'pending']);
    expect(c.messages.some((m) => m.header.kind === 'error')).toBe(false);
  });

  it('newest mode: newest frames with the last fresh masks and their age; stale masks are never sent', async () => {
    const h = await start({ maxMaskAgeMs: 250 });
    expect(
      h.prompts.add({ points: [{ x: 1, y: 1, label: 'positive' }] }, { clientId: 't' }).ok,
    ).toBe(true);
    const c = new LiveClient(h.url);
    await c.next('hello');
    c.send({ kind: 'setMode', mode: 'newest' });
    await c.next('state', (s) => s.client.mode === 'newest');
    const mask = disc(32, 24, 10, 10, 4);
    h.frame(10, 1000);
    expect((await c.next('frame', (f) => f.seq === 10)).header.masks).toBeUndefined();
    h.masks(10, 1000, [{ objectId: 'obj1', mask }]);
    const masks = await c.next('masks');
    expect(masks.header.masks).toMatchObject({ frameSeq: 10, ageMs: 0 });
    h.frame(11, 1100);
    expect((await c.next('frame', (f) => f.seq === 11)).header.masks).toMatchObject({
      frameSeq: 10,
      ageMs: 100,
    });
    h.frame(12, 1400);
    expect((await c.next('frame', (f) => f.seq === 12)).header.masks).toBeUndefined();
    const before = c.messages.length;
    h.masks(9, 900, [{ objectId: 'obj1', mask }]); // 500 ms older than the newest frame
    h.frame(13, 1433);
    await c.next('frame', (f) => f.seq === 13, before);
    expect(c.messages.slice(before).some((m) => m.header.kind === 'masks')).toBe(false);
  });

  it('encodes each frame once as JPEG for all tablets', async () => {
    const h = await start({ encoder: createFrameEncoder('jpeg') });
    const a = new LiveClient(h.url);
    const b = new LiveClient(h.url);
    await a.next('hello');
    await b.next('hello');
    h.frame(1);
    const fa = await a.next('frame', (f) => f.seq === 1);
    const fb = await b.next('frame', (f) => f.seq === 1);
    expect(fa.header.encoding).toBe('jpeg');
    expect([...fa.payload.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(fa.payload).toEqual(fb.payload);
    expect(h.hub.stats().framesEncoded).toBe(1);
  });

  it('refuses upgrades on other paths and closes tablets when the app closes', async () => {
    const h = await start({});
    const other = new WebSocket(h.url.replace('/live', '/elsewhere'));
    const failed = await new Promise<string>((resolve) => {
      other.on('error', (e) => resolve(e.message));
      other.on('open', () => resolve('opened'));
    });
    expect(failed).toMatch(/404/);
    const c = new LiveClient(h.url);
    await c.next('hello');
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    await h.app.close();
    expect(await closed).toBe(1001);
  });
});
