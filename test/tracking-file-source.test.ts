/**
 * `npm run eval:tracking` on a file source: a folder of frames with one reference mask per frame
 * (here a phantom cine exported by `npm run phantom:export`'s code, masks named `<frame>_mask.png`
 * in the same folder), in process and through the CLI, which must agree; and its refusals.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPhantomFrames } from '../bench/phantom-export.ts';
import { fileCine } from '../bench/tracking/cine-source.ts';
import { runTrackingEval } from '../bench/tracking/run-tracking-eval.ts';
import { isEngineError } from '../inference/engine/errors.ts';
import type { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { REPO_ROOT } from './support/processes.ts';

const run = promisify(execFile);
let model: ModelPair;
let dir: string;
const FRAMES = 40;

beforeAll(async () => {
  model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 1 });
  dir = await mkdtemp(join(tmpdir(), 'pocus-cine-'));
  await exportPhantomFrames(dir, { seed: 303, count: FRAMES, stride: 1, width: 384, height: 384 });
}, 60_000);
afterAll(async () => {
  await model.close();
  await rm(dir, { recursive: true, force: true });
});

describe('eval:tracking on a folder of frames with reference masks', () => {
  it('prompts each reference object once and tracks it; the CLI prints the same result as JSON', async () => {
    const result = await runTrackingEval(model, await fileCine(dir, dir), {
      params: trackingParamsFor('builtin'),
    });
    expect(result.frames).toBe(FRAMES);
    // The phantom's hypo-/anechoic structures, by their label values (reflectors are too small).
    expect(result.summary.objects).toBeGreaterThanOrEqual(4);
    expect(result.perObject.every((o) => o.promptFrame === 0)).toBe(true);
    const good = result.perObject.filter((o) => o.meanDice >= 0.8);
    expect(
      good.length,
      JSON.stringify(result.perObject.map((o) => o.meanDice)),
    ).toBeGreaterThanOrEqual(2);

    const { stdout } = await run(
      'npx',
      ['tsx', 'bench/eval-tracking-cli.ts', '--source', dir, '--reference', dir, '--json'],
      { cwd: REPO_ROOT, env: { ...process.env, POCUS_EXECUTION_PROVIDERS: 'cpu' } },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of [
      'frames',
      'objects',
      'meanDice',
      'minDiceInView',
      'lossDetectedWithinFrames',
      'falseLosses',
      'reacquireFrames',
      'perObject',
    ]) {
      expect(json, key).toHaveProperty(key);
    }
    expect(json.frames).toBe(FRAMES);
    expect(json.objects).toBe(result.summary.objects);
    expect(json.meanDice).toBeCloseTo(result.summary.meanDice, 6);
    expect(json.exclusiveMasks).toBe(true);
    // The same run with overlapping masks kept, as an A/B of exclusive masks.
    const overlapping = await runTrackingEval(model, await fileCine(dir, dir), {
      params: { ...trackingParamsFor('builtin'), exclusiveMasks: false },
    });
    const ab = await run(
      'npx',
      [
        'tsx',
        'bench/eval-tracking-cli.ts',
        '--source',
        dir,
        '--reference',
        dir,
        '--no-exclusive-masks',
        '--json',
      ],
      { cwd: REPO_ROOT, env: { ...process.env, POCUS_EXECUTION_PROVIDERS: 'cpu' } },
    );
    const off = JSON.parse(ab.stdout.trim()) as Record<string, unknown>;
    expect(off.exclusiveMasks).toBe(false);
    expect(off.meanDice).toBeCloseTo(overlapping.summary.meanDice, 6);
  }, 120_000);

  it('refuses a frame without its reference mask, and a file source without --reference', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'pocus-cine-broken-'));
    try {
      await exportPhantomFrames(broken, { seed: 1, count: 3, stride: 1, width: 64, height: 64 });
      await unlink(join(broken, 'phantom-1-00001_mask.png'));
      const refused = await fileCine(broken, broken).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isEngineError(refused, 'EVAL_INPUT_INVALID'), String(refused)).toBe(true);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
    const usage = await run('npx', ['tsx', 'bench/eval-tracking-cli.ts', '--source', dir], {
      cwd: REPO_ROOT,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--reference/);
  }, 60_000);
});
