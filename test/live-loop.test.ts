/**
 * The live loop end to end, with the three real services under the real supervisor: a prompt on a
 * phantom structure, naming the frame it was placed on, is seeded on that frame and gives masks on
 * the tablet stream that match the ground truth of the frames they were computed on; killing the inference daemon, the supervisor restarts it and masks for the same
 * prompt resume without a new tap (the recovery time is printed, not asserted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhantom } from '../capture/phantom/index.ts';
import { decodeRle } from '../inference/protocol/mask-rle.ts';
import { LiveRecorder } from '../bench/live-recorder.ts';
import { diceAgainstLabel } from '../bench/eval/overlap-metrics.ts';
import { startLiveStack, type LiveStack } from '../bench/live-stack.ts';

const SEED = 5;
const SIZE = 256;

describe('live loop: capture → inference → appliance → tablet (real processes)', () => {
  let stack: LiveStack;
  const recorder = new LiveRecorder(1);
  const phantom = createPhantom({ width: SIZE, height: SIZE, seed: SEED });
  let objectId = '';
  let structureId = 0;

  beforeAll(async () => {
    stack = await startLiveStack({
      POCUS_FRAME_SIZE: `${SIZE}x${SIZE}`,
      POCUS_PHANTOM_SEED: String(SEED),
    });
    await stack.waitReady();
    await recorder.connect(stack.wsUrl);
  }, 120_000);

  afterAll(async () => {
    recorder.close();
    await stack?.stop();
  });

  const waitFor = async (what: string, done: () => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(`timed out: ${what}\n${stack.lines.slice(-40).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('a prompt on a phantom structure gives masks with Dice ≥ 0.8 on the frames they were computed on', async () => {
    await waitFor('a synthetic frame', () => recorder.frames.some((f) => f.synthetic));
    const shown = recorder.frames.at(-1)!;
    const index = shown.synthetic!.index;
    const target = phantom
      .frame(index)
      .objects.filter((o) => o.kind !== 'reflector' && o.kind !== 'organ' && o.inViewFraction === 1)
      .sort((a, b) => b.areaPx - a.areaPx)[0]!;
    structureId = target.id;
    const res = await fetch(`${stack.baseUrl}/api/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-name': 'live-loop test' },
      body: JSON.stringify({
        points: [{ x: target.centroid.x, y: target.centroid.y, label: 'positive' }],
        frameSeq: shown.seq, // the frame the tap was computed on
      }),
    });
    expect(res.status).toBe(201);
    objectId = ((await res.json()) as { prompt: { objectId: string } }).prompt.objectId;
    // The frame reached the daemon with the prompt: it was seeded there, then tracked to the newest.
    await waitFor('the prompt seeded on its frame', () =>
      stack.lines.some((l) => l.includes(`prompt of ${objectId} placed on frame ${shown.seq}:`)),
    );
    await waitFor(
      'five masked frames',
      () => recorder.kept.filter((k) => k.masks.has(objectId)).length >= 5,
    );
    const dices = recorder.kept
      .filter((k) => k.masks.has(objectId) && k.synthetic)
      .slice(0, 5)
      .map((k) => {
        const labels = phantom.frame(k.synthetic!.index).labels;
        const mask = decodeRle(k.masks.get(objectId)!, new Uint8Array(k.width * k.height));
        return diceAgainstLabel(mask, labels, structureId);
      });
    expect(dices.length).toBe(5);
    expect(dices.reduce((s, d) => s + d, 0) / dices.length).toBeGreaterThanOrEqual(0.8);
    // Each mask names the frame it was computed on, and stage timestamps are in order.
    const paired = recorder.frames.filter((f) => f.objectIds.includes(objectId));
    expect(paired.every((f) => f.maskFrameSeq === f.seq)).toBe(true);
    const s = paired.at(-1)!.stages!;
    const order = [
      s.daemonReceivedAtNs,
      s.encodeStartNs,
      s.encodeEndNs,
      s.decodeEndNs,
      s.publishedAtNs,
      s.applianceReceivedAtNs,
    ].map(BigInt);
    for (let i = 1; i < order.length; i++) expect(order[i]! >= order[i - 1]!).toBe(true);
  }, 120_000);

  it('after the daemon is killed, the supervisor restarts it and masks resume without a new tap', async () => {
    const pid = stack.supervisor.pid('inference');
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    const killedAtNs = process.hrtime.bigint();
    await waitFor('a restarted daemon', () => {
      const now = stack.supervisor.pid('inference');
      return now !== undefined && now !== pid;
    });
    await waitFor(
      'masks for the same object after the restart',
      () =>
        recorder.frames.some((f) => f.capturedAtNs > killedAtNs && f.objectIds.includes(objectId)),
      90_000,
    );
    const first = recorder.frames.find(
      (f) => f.capturedAtNs > killedAtNs && f.objectIds.includes(objectId),
    )!;
    console.log(
      `recovery: masks resumed ${(Number(first.receivedAtNs - killedAtNs) / 1e6).toFixed(0)} ms after SIGKILL`,
    );
    expect(stack.lines.some((l) => /inference exited \(SIGKILL\)/.test(l))).toBe(true);
    const prompts = (await (await fetch(`${stack.baseUrl}/api/prompts`)).json()) as {
      prompts: unknown[];
    };
    expect(prompts.prompts).toHaveLength(1);
  }, 120_000);
});
