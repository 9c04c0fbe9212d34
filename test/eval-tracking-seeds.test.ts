/**
 * `npm run eval:tracking:seeds`: a set of synthetic seeds run as separate `eval:tracking` processes
 * and summarised as docs/tracking.md quotes them; the summary itself, and the CLI against one run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DEVELOPMENT_SEEDS,
  formatSeedTable,
  HELD_OUT_SEEDS,
  summarizeSeedRuns,
  type SeedRun,
} from '../bench/tracking/seed-sets.ts';
import { REPO_ROOT } from './support/processes.ts';

const run = promisify(execFile);
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bench/eval-tracking-seeds.ts', ...args], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });

const seedRun = (seed: number, over: Partial<SeedRun> = {}): SeedRun => ({
  seed,
  meanDice: 0.9,
  inViewFrames: 100,
  inViewFramesDiceBelow08: 10,
  falseLosses: 1,
  lossDetectedWithinFrames: 1,
  reacquireFrames: 2,
  framesShownOutOfView: 0,
  framesShownOffObject: 0,
  ...over,
});

describe('tracking seed sets', () => {
  it('keeps the development and held-out seeds apart', () => {
    expect(DEVELOPMENT_SEEDS).toHaveLength(15);
    expect(HELD_OUT_SEEDS.filter((s) => DEVELOPMENT_SEEDS.includes(s))).toEqual([]);
  });

  it('averages the seeds’ mean Dice, sums the counts and keeps the worst delays', () => {
    const total = summarizeSeedRuns([
      seedRun(1, { meanDice: 0.8, reacquireFrames: 13, framesShownOutOfView: 3 }),
      seedRun(2, {
        meanDice: 0.9,
        lossDetectedWithinFrames: 3,
        inViewFramesDiceBelow08: 5,
        framesShownOffObject: 4,
      }),
    ]);
    expect(total.meanOfMeanDice).toBeCloseTo(0.85, 10);
    expect(total.inViewFrames).toBe(200);
    expect(total.inViewFramesDiceBelow08).toBe(15);
    expect(total.falseLosses).toBe(2);
    expect(total.lossDetectedWithinFrames).toBe(3);
    expect(total.reacquireFrames).toBe(13);
    expect(total.framesShownOutOfView).toBe(3);
    expect(total.framesShownOffObject).toBe(4);
    // One object never re-acquired makes the set's delay "never", as in one run's summary.
    expect(
      summarizeSeedRuns([seedRun(1), seedRun(2, { reacquireFrames: null })]).reacquireFrames,
    ).toBe(null);
    expect(() => summarizeSeedRuns([])).toThrow(RangeError);
    const lines = formatSeedTable(
      [seedRun(7, { reacquireFrames: null })],
      summarizeSeedRuns([seedRun(7, { reacquireFrames: null })]),
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^7\s+0\.900\s+10\/100\s+1\s+1\s+never\s+0\s+0$/);
    expect(lines[2]).toMatch(/^all\s+0\.900/);
  });

  it('runs each seed as eval:tracking does and summarises them; refuses bad options', async () => {
    const { stdout } = await cli(['--seeds', '4242,101', '--seconds', '1', '--json']);
    const out = JSON.parse(stdout) as {
      runs: SeedRun[];
      total: ReturnType<typeof summarizeSeedRuns>;
    };
    expect(out.runs.map((r) => r.seed)).toEqual([4242, 101]);
    const single = JSON.parse(
      (
        await run(
          process.execPath,
          [
            '--import',
            'tsx',
            'bench/eval-tracking-cli.ts',
            '--seed',
            '101',
            '--seconds',
            '1',
            '--json',
          ],
          { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
        )
      ).stdout,
    ) as { meanDice: number; inViewFrames: number; framesShownOffObject: number };
    expect(out.runs[1]!.meanDice).toBe(single.meanDice);
    expect(out.runs[1]!.framesShownOffObject).toBe(single.framesShownOffObject);
    expect(out.runs[1]!.inViewFrames).toBe(single.inViewFrames);
    expect(out.total.inViewFrames).toBe(out.runs[0]!.inViewFrames + out.runs[1]!.inViewFrames);
    expect(out.total.meanOfMeanDice).toBeCloseTo((out.runs[0]!.meanDice + single.meanDice) / 2, 10);
    for (const args of [
      ['--set', 'tuning'],
      ['--seeds', '1,x'],
      ['--jobs', '0'],
    ]) {
      const code = await cli(args).then(
        () => 0,
        (e: { code?: number }) => e.code,
      );
      expect(code).toBe(2);
    }
  }, 60_000);
});
