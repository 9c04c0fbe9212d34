/**
 * `npm run bench:tracker -- [--objects K] [--structures N] [--seconds S] [--seed S] [--json]`:
 * the tracker's cost per frame, offline (no sockets): K objects tapped on a phantom with N
 * structures, every frame tracked. Reports the whole step, the decodes inside it and the
 * tracker's own work (the step less its decodes: motion estimate, searches, mask measurements)
 * as p50/p95/p99/max, and the decodes per frame. `bench:replay` measures the same work live.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openModel } from '../inference/engine/model-registry.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import type { Segmenter } from '../inference/engine/types.ts';
import { PromptPropagation } from '../inference/tracking/prompt-propagation.ts';
import type { UserPrompt } from '../inference/tracking/prompt-diff.ts';
import { Tracker } from '../inference/tracking/tracker.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { syntheticCine } from './tracking/cine-source.ts';
import { interiorPointPrompt } from './eval/prompts-from-truth.ts';
import { latencySummary, type LatencySummary } from './latency-summary.ts';

const USAGE =
  'usage: npm run bench:tracker -- [--objects K≥1] [--structures N≥1] [--seconds S] [--seed S] [--json]';
const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '8' },
    structures: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const objects = Number(values.objects);
const structures = Number(values.structures);
const seconds = Number(values.seconds);
const seed = Number(values.seed);
if (!(objects >= 1) || !(structures >= 1) || !(seconds > 0) || !Number.isInteger(seed)) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadInferenceConfig();
const model = await openModel(
  config.modelId,
  {
    executionProviders: config.executionProviders,
    intraOpThreads: config.intraOpThreads,
    log: (l: string) => console.error(l),
  },
  config.modelsDir,
);
let decodes = 0;
let decodeMs = 0;
const timed: Segmenter = {
  modelId: model.modelId,
  modelSha256: model.modelSha256,
  encode: (frame) => model.encode(frame),
  decode: async (embedding, prompt) => {
    const t0 = performance.now();
    try {
      return await model.decode(embedding, prompt);
    } finally {
      decodeMs += performance.now() - t0;
      decodes++;
    }
  },
};
const params = { ...trackingParamsFor(model.info().family), exclusiveMasks: true };
const tracker = new Tracker(new PromptPropagation(timed, params), params);
const cine = syntheticCine(seconds, { seed, structureCount: structures });
const warmup = 10;
const prompts: UserPrompt[] = [];
const stepMs: number[] = [];
const ownMs: number[] = [];
const decodeStepMs: number[] = [];
const decodesPerFrame: number[] = [];
try {
  for (let i = 0; i < cine.frameCount; i++) {
    const f = await cine.frame(i);
    const embedding = await model.encode(f.frame);
    // Each structure is tapped (at its deepest pixel) on the first frame it is in view, up to K.
    let added = false;
    for (const o of f.objects) {
      if (prompts.length >= objects || !o.inView || prompts.some((p) => p.objectId === o.objectId))
        continue;
      const mask = Uint8Array.from(f.labels, (l) => (l === o.label ? 1 : 0));
      const point = interiorPointPrompt(mask, cine.width, cine.height);
      if (!point) continue;
      prompts.push({ objectId: o.objectId, points: [point] });
      added = true;
    }
    if (added) tracker.setPrompts(prompts);
    const [d0, m0] = [decodes, decodeMs];
    const t0 = performance.now();
    await tracker.step(embedding, f.grey);
    const step = performance.now() - t0;
    if (i < warmup) continue;
    stepMs.push(step);
    decodeStepMs.push(decodeMs - m0);
    ownMs.push(step - (decodeMs - m0));
    decodesPerFrame.push(decodes - d0);
  }
} finally {
  await model.close();
}

const report: {
  model: string;
  objects: number;
  structures: number;
  frames: number;
  stepMs: LatencySummary;
  decodeMs: LatencySummary;
  trackerOwnMs: LatencySummary;
  decodesPerFrame: { mean: number; max: number };
} = {
  model: model.modelId,
  objects: prompts.length,
  structures,
  frames: stepMs.length,
  stepMs: latencySummary(stepMs),
  decodeMs: latencySummary(decodeStepMs),
  trackerOwnMs: latencySummary(ownMs),
  decodesPerFrame: {
    mean: decodesPerFrame.reduce((a, b) => a + b, 0) / Math.max(1, decodesPerFrame.length),
    max: Math.max(0, ...decodesPerFrame),
  },
};
if (values.json) {
  console.log(JSON.stringify(report));
} else {
  const row = (name: string, s: LatencySummary) =>
    `${name.padEnd(26)} p50 ${s.p50.toFixed(1)}  p95 ${s.p95.toFixed(1)}  p99 ${s.p99.toFixed(1)}  max ${s.max.toFixed(1)}`;
  console.log(
    `model ${report.model}: ${report.objects} objects on a ${structures}-structure phantom (seed ${seed}), ${report.frames} frames after ${warmup} of warm-up`,
  );
  console.log(row('tracker step ms (frame)', report.stepMs));
  console.log(row('  decodes in it ms', report.decodeMs));
  console.log(row('  tracker own work ms', report.trackerOwnMs));
  console.log(
    `decodes per frame: mean ${report.decodesPerFrame.mean.toFixed(2)}, max ${report.decodesPerFrame.max}`,
  );
}
