/**
 * `npm run eval:tracking:seeds -- [--set development|held-out] [--seeds S,S,…] [--seconds N]
 * [--jobs J] [--model ID] [--json]`: `npm run eval:tracking` on a set of synthetic seeds, each in
 * its own process, J at a time, and the set's figures as docs/tracking.md quotes them (the mean of
 * per-seed mean Dice, in-view frames under 0.8, false losses, worst delays). The environment is
 * passed on, so `POCUS_MODELS_DIR` and `POCUS_MODEL` choose the model as for one run.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { runCli } from '../inference/cli-exit.ts';
import {
  DEVELOPMENT_SEEDS,
  formatSeedTable,
  HELD_OUT_SEEDS,
  summarizeSeedRuns,
  type SeedRun,
} from './tracking/seed-sets.ts';

const USAGE =
  'usage: npm run eval:tracking:seeds -- [--set development|held-out] [--seeds S,S,…] [--seconds N] [--jobs J] [--model ID] [--json]';

const run = promisify(execFile);
const ONE_RUN = join(dirname(fileURLToPath(import.meta.url)), 'eval-tracking-cli.ts');

async function runSeed(seed: number, seconds: number, model: string | undefined): Promise<SeedRun> {
  const args = ['--import', 'tsx', ONE_RUN, '--seed', String(seed), '--seconds', String(seconds)];
  if (model) args.push('--model', model);
  args.push('--json');
  const { stdout } = await run(process.execPath, args, { maxBuffer: 256 * 1024 * 1024 });
  const r = JSON.parse(stdout) as Omit<SeedRun, 'seed'>;
  return {
    seed,
    meanDice: r.meanDice,
    inViewFrames: r.inViewFrames,
    inViewFramesDiceBelow08: r.inViewFramesDiceBelow08,
    falseLosses: r.falseLosses,
    lossDetectedWithinFrames: r.lossDetectedWithinFrames,
    reacquireFrames: r.reacquireFrames,
    framesShownOutOfView: r.framesShownOutOfView,
    framesShownOffObject: r.framesShownOffObject,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      set: { type: 'string', default: 'development' },
      seeds: { type: 'string' },
      seconds: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '2' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const sets: Record<string, readonly number[]> = {
    development: DEVELOPMENT_SEEDS,
    'held-out': HELD_OUT_SEEDS,
  };
  const seeds = values.seeds ? values.seeds.split(',').map(Number) : sets[values.set];
  const seconds = Number(values.seconds);
  const jobs = Number(values.jobs);
  if (!seeds || seeds.length === 0 || !seeds.every(Number.isInteger)) {
    console.error(`--set is development or held-out, --seeds a comma list of integers\n${USAGE}`);
    return 2;
  }
  if (!(seconds > 0) || !Number.isInteger(jobs) || jobs < 1) {
    console.error(`bad numeric option\n${USAGE}`);
    return 2;
  }
  const runs: SeedRun[] = new Array<SeedRun>(seeds.length);
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const i = next++;
      runs[i] = await runSeed(seeds[i]!, seconds, values.model);
      if (!values.json) console.error(`seed ${seeds[i]} done`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, seeds.length) }, worker));
  const total = summarizeSeedRuns(runs);
  if (values.json) console.log(JSON.stringify({ seconds, runs, total }));
  else for (const line of formatSeedTable(runs, total)) console.log(line);
  return 0;
}

runCli(main);
