/**
 * The inference link against a fake daemon over real ZeroMQ sockets (ipc in a temp folder): the
 * resync on a new bootId, coalesced prompt pushes, masks delivery, and the control channel's
 * timeout / rejection / unavailable / close paths.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Publisher, Router } from 'zeromq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../inference/protocol/envelope.ts';
import { encodeRle } from '../inference/protocol/mask-rle.ts';
import type { PromptSpec, Request } from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';
import { isApplianceError } from '../appliance/errors.ts';
import { openInferenceLink, type InferenceLink } from '../appliance/inference-link.ts';

const stats = {
  framesReceived: 0,
  framesProcessed: 0,
  framesSkippedStale: 0,
  ticksOverrun: 0,
  encodeRateHz: 0,
};

class FakeDaemon {
  readonly pub = new Publisher({ linger: 0 });
  readonly router = new Router({ linger: 0 });
  readonly requests: Request[] = [];
  prompts: PromptSpec[] = [];
  /** Ops it never answers, and ops it refuses. */
  silent = new Set<string>();
  refuse = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;

  constructor(readonly bootId: string) {}

  async start(results: string, control: string): Promise<void> {
    await this.pub.bind(results);
    await this.router.bind(control);
    this.loop = this.serve();
    this.timer = setInterval(() => void this.heartbeat(), 40);
  }

  private async heartbeat(): Promise<void> {
    const status = {
      v: PROTOCOL_VERSION,
      kind: 'status',
      bootId: this.bootId,
      modelId: 'builtin',
      modelSha256: 'abc',
      executionProvider: 'cpu',
      paused: false,
      promptCount: this.prompts.length,
      tickPeriodMs: 60,
      stats,
    };
    await this.pub.send(encodeEnvelope(status)).catch(() => undefined);
  }

  async publishMasks(frameSeq: number): Promise<void> {
    const rle = encodeRle(Uint8Array.of(0, 1, 1, 0));
    await this.pub.send(
      encodeEnvelope(
        {
          v: PROTOCOL_VERSION,
          kind: 'masks',
          bootId: this.bootId,
          frameSeq,
          capturedAtNs: '1',
          receivedAtNs: '2',
          encodeStartNs: '3',
          encodeEndNs: '4',
          decodeEndNs: '5',
          publishedAtNs: '6',
          modelId: 'builtin',
          modelSha256: 'abc',
          width: 2,
          height: 2,
          objects: [
            {
              objectId: 'obj1',
              track: { state: 'tracking', quality: 0.9, framesSinceGood: 0 },
              score: 0.9,
              areaPx: 2,
              rleOffset: 0,
              rleLength: rle.length,
            },
          ],
          stats,
        },
        rle,
      ),
    );
  }

  private async serve(): Promise<void> {
    try {
      for await (const [identity, message] of this.router) {
        if (identity === undefined || message === undefined) continue;
        const request = decodeEnvelope(message).header as unknown as Request;
        this.requests.push(request);
        if (this.silent.has(request.op)) continue;
        const base = { v: PROTOCOL_VERSION, kind: 'reply', id: request.id };
        let reply: object;
        if (this.refuse.has(request.op)) {
          reply = {
            ...base,
            ok: false,
            error: { code: 'MODEL_SWITCH_FAILED', message: 'no such model' },
          };
        } else if (request.op === 'hello') {
          reply = {
            ...base,
            ok: true,
            result: {
              protocolVersion: PROTOCOL_VERSION,
              bootId: this.bootId,
              modelId: 'builtin',
              modelSha256: 'abc',
            },
          };
        } else {
          if (request.op === 'setPrompts') this.prompts = request.prompts;
          reply = { ...base, ok: true, result: {} };
        }
        await this.router.send([identity, encodeEnvelope(reply as { v: number })]);
      }
    } catch {
      // closed
    }
  }

  ops(): string[] {
    return this.requests.map((r) => r.op);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.pub.close();
    this.router.close();
    await this.loop;
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let results: string;
let control: string;
let link: InferenceLink | null = null;
let daemon: FakeDaemon | null = null;
let active: PromptSpec[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocus-link-'));
  results = `ipc://${join(dir, 'results.sock')}`;
  control = `ipc://${join(dir, 'control.sock')}`;
  active = [{ objectId: 'obj1', points: [{ x: 5, y: 6, label: 'positive' }] }];
});
afterEach(async () => {
  await link?.close();
  await daemon?.stop();
  link = null;
  daemon = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(timeoutMs = 1000): InferenceLink {
  link = openInferenceLink({
    resultsEndpoint: results,
    controlEndpoint: control,
    requestTimeoutMs: timeoutMs,
    activePrompts: () => active,
    log: () => undefined,
  });
  return link;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('inference link over real ZeroMQ', () => {
  it('is down before any heartbeat; on a new bootId sends hello then the active prompts', async () => {
    const l = open();
    expect(l.view().state).toBe('down');
    daemon = new FakeDaemon('boot-A');
    await daemon.start(results, control);
    await until('ready', () => l.view().state === 'ready');
    expect(daemon.ops().slice(0, 2)).toEqual(['hello', 'setPrompts']);
    expect(daemon.prompts).toEqual(active);
    expect(l.view()).toMatchObject({ bootId: 'boot-A', modelId: 'builtin', promptSync: 'synced' });

    active = [...active, { objectId: 'obj2', points: [{ x: 1, y: 1, label: 'positive' }] }];
    l.promptsChanged();
    await until('second set', () => daemon?.prompts.length === 2);

    const got: number[] = [];
    l.onMasks((h, body) => {
      expect(body.subarray(h.objects[0]!.rleOffset).length).toBe(h.objects[0]!.rleLength);
      expect(h.objects[0]!.track).toEqual({ state: 'tracking', quality: 0.9, framesSinceGood: 0 });
      got.push(h.frameSeq);
    });
    await daemon.publishMasks(17);
    await until('masks', () => got.includes(17));
  });

  it('resynchronises a restarted daemon (new bootId) without any tap', async () => {
    const l = open();
    daemon = new FakeDaemon('boot-A');
    await daemon.start(results, control);
    await until('ready A', () => l.view().state === 'ready');
    await daemon.stop();
    active = [{ objectId: 'obj7', points: [{ x: 2, y: 3, label: 'negative' }] }];
    daemon = new FakeDaemon('boot-B');
    await daemon.start(results, control);
    await until('ready B', () => l.view().state === 'ready' && l.view().bootId === 'boot-B');
    expect(daemon.ops().slice(0, 2)).toEqual(['hello', 'setPrompts']);
    expect(daemon.prompts).toEqual(active);
  });

  it('times out, relays refusals, and fails pending requests on close', async () => {
    const l = open(300);
    daemon = new FakeDaemon('boot-A');
    daemon.silent.add('pause').add('modelInfo');
    daemon.refuse.add('switchModel');
    await daemon.start(results, control);
    await until('ready', () => l.view().state === 'ready');

    const timedOut = await rejection(l.request({ op: 'pause' }));
    expect(isApplianceError(timedOut, 'INFERENCE_TIMEOUT')).toBe(true);
    const refused = await rejection(l.request({ op: 'switchModel', modelId: 'nope' }));
    expect(isApplianceError(refused, 'INFERENCE_REJECTED')).toBe(true);
    expect(String(refused)).toMatch(/MODEL_SWITCH_FAILED/);
    expect(await l.request({ op: 'resume' })).toEqual({});

    const pending = rejection(l.request({ op: 'modelInfo' }));
    await until('modelInfo received', () => daemon?.ops().includes('modelInfo') ?? false);
    await l.close();
    expect(isApplianceError(await pending, 'LINK_CLOSED')).toBe(true);
    expect(isApplianceError(await rejection(l.request({ op: 'hello' })), 'LINK_CLOSED')).toBe(true);
  });

  it('reports a request it could not send when no daemon listens', async () => {
    const l = open(2000);
    const e = await rejection(l.request({ op: 'hello' }));
    expect(isApplianceError(e, 'INFERENCE_UNAVAILABLE')).toBe(true);
  });
});
