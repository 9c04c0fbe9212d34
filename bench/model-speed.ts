/**
 * `npm run bench:model -- [--model ID] [--threads N] [--frames F] [--size WxH] [--json]`:
 * encoder and per-object decoder latency (pre- and post-processing included) on phantom frames,
 * as p50/p95/p99/max after warm-up, against the budgets of the built-in model.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createPhantom } from '../capture/phantom/index.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import type { Prompt } from '../inference/engine/prompts.ts';
import { latencySummary, type LatencySummary } from './latency-summary.ts';

export const BUDGETS_MS = { encoderP99: 15, decoderP99: 4 } as const;

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string' },
    frames: { type: 'string', default: '200' },
    size: { type: 'string', default: '512x512' },
    json: { type: 'boolean', default: false },
  },
});
const [width, height] = (values.size ?? '').split('x').map(Number);
const frames = Number(values.frames);
const config = loadInferenceConfig();
const threads = values.threads === undefined ? config.intraOpThreads : Number(values.threads);
if (!width || !height || !(frames >= 20) || !(threads >= 1)) {
  console.error(
    'usage: npm run bench:model -- [--model ID] [--threads N] [--frames F≥20] [--size WxH] [--json]',
  );
  process.exit(2);
}

const model = await openModel(
  values.model ?? config.modelId,
  {
    executionProviders: config.executionProviders,
    intraOpThreads: threads,
    log: (l: string) => console.error(l),
  },
  config.modelsDir,
);
const phantom = createPhantom({ width, height, seed: 4242 });
const warmup = 10;
const encoderMs: number[] = [];
const decoderMs: number[] = [];
for (let i = 0; i < frames + warmup; i++) {
  const f = phantom.frame(i);
  const frame = { width, height, channels: 1 as const, data: f.image };
  const t0 = performance.now();
  const embedding = await model.encode(frame);
  const t1 = performance.now();
  const prompts: Prompt[] = f.objects
    .filter((o) => o.inViewFraction > 0.8)
    .slice(0, 2)
    .map((o) => ({ points: [{ x: o.centroid.x, y: o.centroid.y, label: 'positive' as const }] }));
  const times: number[] = [];
  for (const prompt of prompts) {
    const s = performance.now();
    await model.decode(embedding, prompt);
    times.push(performance.now() - s);
  }
  if (i >= warmup) {
    encoderMs.push(t1 - t0);
    decoderMs.push(...times);
  }
}
await model.close();

const report: {
  model: string;
  threads: number;
  size: string;
  encoderMs: LatencySummary;
  decoderMs: LatencySummary;
  budgetsMs: typeof BUDGETS_MS;
  withinBudget: boolean;
} = {
  model: model.modelId,
  threads,
  size: `${width}x${height}`,
  encoderMs: latencySummary(encoderMs),
  decoderMs: latencySummary(decoderMs),
  budgetsMs: BUDGETS_MS,
  withinBudget: false,
};
report.withinBudget =
  report.encoderMs.p99 <= BUDGETS_MS.encoderP99 && report.decoderMs.p99 <= BUDGETS_MS.decoderP99;
if (values.json) {
  console.log(JSON.stringify(report));
} else {
  const row = (name: string, s: LatencySummary, budget: number) =>
    `${name.padEnd(22)} p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  max ${s.max.toFixed(2)}  (n=${s.n}, budget p99 ≤ ${budget})`;
  console.log(`model ${report.model}, ${report.size}, ${threads} intra-op thread(s)`);
  console.log(row('encoder ms (frame)', report.encoderMs, BUDGETS_MS.encoderP99));
  console.log(row('decoder ms (object)', report.decoderMs, BUDGETS_MS.decoderP99));
  console.log(report.withinBudget ? 'within budget' : 'OVER BUDGET');
}
