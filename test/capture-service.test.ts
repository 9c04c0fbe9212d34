import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Subscriber } from 'zeromq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../inference/protocol/envelope.ts';
import { FrameHeader, parseHeader } from '../inference/protocol/messages.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'capture-svc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Capture {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly exit: Promise<number | null>;
  output(): string;
  waitFor(pattern: RegExp): Promise<void>;
}

const running: Capture[] = [];
const sockets: Subscriber[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const c of running.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

let serial = 0;
function startCapture(env: Record<string, string>, args: string[] = []): Capture {
  // the runtime folder does not exist yet: the service must create it
  const runtimeDir = join(dir, `run${serial++}`, 'nested');
  const endpoint = `ipc://${join(runtimeDir, 'frames.sock')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'capture/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      POCUS_RUNTIME_DIR: runtimeDir,
      POCUS_FRAMES_ENDPOINT: endpoint,
      POCUS_FPS: '30',
      POCUS_FRAME_SIZE: '128x128',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const capture: Capture = {
    child,
    endpoint,
    exit,
    output: () => text,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        void exit.then((code) =>
          reject(new Error(`capture exited (${code}) before ${pattern}:\n${text}`)),
        );
        check();
      }),
  };
  running.push(capture);
  return capture;
}

function subscribe(endpoint: string, conflate = false): Subscriber {
  const sub = new Subscriber({ conflate, receiveTimeout: 20_000 });
  sockets.push(sub);
  sub.connect(endpoint);
  sub.subscribe();
  return sub;
}

async function receiveFrame(sub: Subscriber): Promise<{ header: FrameHeader; body: Buffer }> {
  const [message] = await sub.receive();
  if (!message) throw new Error('empty message');
  const { header, body } = decodeEnvelope(message);
  return { header: parseHeader(FrameHeader, header, 'frame'), body };
}

describe('capture service (real process, real ZeroMQ sockets)', () => {
  it('publishes paced synthetic frames with monotonic seq and capture times; SIGTERM exits 0', async () => {
    const capture = startCapture({ POCUS_SOURCE: 'synthetic', POCUS_PHANTOM_SEED: '3' });
    await capture.waitFor(/capture: ready/);
    expect(existsSync(capture.endpoint.slice('ipc://'.length))).toBe(true);
    const sub = subscribe(capture.endpoint);
    const frames = [];
    for (let i = 0; i < 10; i++) frames.push(await receiveFrame(sub));
    const receivedAtNs = process.hrtime.bigint();
    for (const [i, { header, body }] of frames.entries()) {
      expect(header).toMatchObject({
        kind: 'frame',
        width: 128,
        height: 128,
        channels: 1,
        pixelType: 'uint8',
        sourceId: 'synthetic:seed=3',
      });
      expect(header.synthetic?.seed).toBe(3);
      expect(body.length).toBe(128 * 128 * 1);
      const prev = frames[i - 1]?.header;
      if (prev) {
        expect(header.seq).toBeGreaterThan(prev.seq);
        expect(BigInt(header.capturedAtNs)).toBeGreaterThan(BigInt(prev.capturedAtNs));
        expect(header.synthetic?.index ?? 0).toBeGreaterThan(prev.synthetic?.index ?? 0);
      }
      // same host, same CLOCK_MONOTONIC: captured in the past, and not long ago
      const ageNs = receivedAtNs - BigInt(header.capturedAtNs);
      expect(ageNs).toBeGreaterThan(0n);
      expect(ageNs).toBeLessThan(60_000_000_000n);
    }
    capture.child.kill('SIGTERM');
    expect(await capture.exit).toBe(0);
    expect(capture.output()).toMatch(/capture: stopped after \d+ frames/);
  });

  it('newest wins: a slow conflated subscriber gets the newest frame, a plain one a backlog', async () => {
    const capture = startCapture({ POCUS_SOURCE: 'synthetic' });
    await capture.waitFor(/capture: ready/);
    const conflated = subscribe(capture.endpoint, true);
    const plain = subscribe(capture.endpoint);
    const c0 = (await receiveFrame(conflated)).header.seq;
    const p0 = (await receiveFrame(plain)).header.seq;
    await sleep(1_000); // about 30 frames are published meanwhile
    const c1 = (await receiveFrame(conflated)).header.seq;
    const p1 = (await receiveFrame(plain)).header.seq;
    expect(c1 - c0).toBeGreaterThan(1);
    expect(p1 - p0).toBe(1);
    capture.child.kill('SIGINT');
    expect(await capture.exit).toBe(0);
  });

  it('replays a MetaImage file, looping, with its geometry and probe transforms', async () => {
    const m = Array.from({ length: 16 }, (_, i) => i / 4);
    const text = [
      'NDims = 3',
      'DimSize = 4 3 2',
      'ElementType = MET_UCHAR',
      'ElementSpacing = 0.5 0.5 1',
      'Offset = 0 0 0',
      'TransformMatrix = 1 0 0 0 1 0 0 0 1',
      `Seq_Frame0000_ProbeToTrackerTransform = ${m.join(' ')}`,
      `Seq_Frame0001_ProbeToTrackerTransform = ${m.join(' ')}`,
      'ElementDataFile = LOCAL',
      '',
    ].join('\n');
    const pixels = Uint8Array.from({ length: 4 * 3 * 2 }, (_, i) => i);
    const path = join(dir, 'two.mha');
    writeFileSync(path, Buffer.concat([Buffer.from(text), pixels]));
    const capture = startCapture({}, [`--source=${path}`, '--fps', '20', '--loop']);
    await capture.waitFor(/capture: ready: file:two\.mha 4×3×1 at 20 fps/);
    const sub = subscribe(capture.endpoint);
    for (let i = 0; i < 4; i++) {
      const { header, body } = await receiveFrame(sub);
      expect(header).toMatchObject({
        width: 4,
        height: 3,
        spacingMm: [0.5, 0.5],
        probeTransform: m,
      });
      expect(header.originMm).toEqual([0, 0, 0]);
      expect(body.length).toBe(12);
      expect([0, 12]).toContain(body[0]);
    }
    capture.child.kill('SIGTERM');
    expect(await capture.exit).toBe(0);
  });

  it.each([
    [{ POCUS_FPS: 'fast' }, /CONFIG_INVALID: POCUS_FPS=fast/],
    [{ POCUS_FRAME_SIZE: '10x10' }, /CONFIG_INVALID: POCUS_FRAME_SIZE/],
    [{ POCUS_SOURCE: 'v4l2:/dev/video0' }, /SOURCE_UNSUPPORTED: .*V4L2/],
    [{ POCUS_SOURCE: '/no/such/cine.mha' }, /SOURCE_INVALID: .*ENOENT/],
  ])('refuses %o with a coded error and exit code 2', async (env, message) => {
    const capture = startCapture(env);
    expect(await capture.exit).toBe(2);
    expect(capture.output()).toMatch(message);
  });
});
