/**
 * `npm run eval:tracking -- [--source synthetic|DIR] [--reference MASKS_DIR] [--seconds N]
 * [--seed S] [--model ID] [--json]`: offline tracking evaluation through the engine and the tracker,
 * every frame processed (bench/tracking/run-tracking-eval.ts; definitions in docs/evaluation.md).
 */
import { parseArgs } from 'node:util';
import { runCli } from '../inference/cli-exit.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { fileCine, syntheticCine, type Cine } from './tracking/cine-source.ts';
import { runTrackingEval, type TrackingEvalResult } from './tracking/run-tracking-eval.ts';

const USAGE =
  'usage: npm run eval:tracking -- [--source synthetic|FRAMES_DIR] [--reference MASKS_DIR] [--seconds N] [--seed S] [--model ID] [--no-exclusive-masks] [--json]';

const fmt = (v: number | null) => (v === null ? 'never' : String(v));

function printTable(r: TrackingEvalResult): void {
  console.log(`${r.source}; model ${r.model}; ${r.frames} frames`);
  console.log(
    'object   prompt  inView  tracked  meanDice  minDice  lossDelays  falseLosses  reacquire',
  );
  for (const o of r.perObject) {
    console.log(
      [
        o.objectId.padEnd(8),
        String(o.promptFrame).padStart(6),
        String(o.framesInView).padStart(7),
        String(o.framesTracked).padStart(8),
        o.meanDice.toFixed(3).padStart(9),
        o.minDiceInView.toFixed(3).padStart(8),
        (o.lossDelays.map(fmt).join(',') || '-').padStart(11),
        String(o.falseLosses).padStart(12),
        (o.reacquireDelays.map(fmt).join(',') || '-').padStart(10),
      ].join(' '),
    );
  }
  const s = r.summary;
  console.log(
    `mean Dice ${s.meanDice.toFixed(3)}, min Dice in view ${s.minDiceInView.toFixed(3)} (strict ${s.minDiceInViewStrict.toFixed(3)}), ` +
      `${s.inViewFramesDiceBelow08}/${s.inViewFrames} in-view frames below 0.8`,
  );
  console.log(
    `loss flagged within ${fmt(s.lossDetectedWithinFrames)} frames (${s.leaveEvents} leaves), false losses ${s.falseLosses}, ` +
      `re-acquired within ${fmt(s.reacquireFrames)} frames (${s.returnEvents} returns), ` +
      `${s.framesShownOutOfView} frames with a mask shown out of view, ${s.framesShownOffObject} in view with one mostly off the object`,
  );
  console.log(
    `tracker ms per frame p50 ${r.trackMs.p50.toFixed(1)} p99 ${r.trackMs.p99.toFixed(1)}; encoder p50 ${r.encodeMs.p50.toFixed(1)}`,
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      source: { type: 'string', default: 'synthetic' },
      reference: { type: 'string' },
      seconds: { type: 'string', default: '30' },
      seed: { type: 'string', default: '404' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-exclusive-masks': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  if (!(seconds > 0) || !Number.isInteger(seed)) {
    console.error(`bad numeric option\n${USAGE}`);
    return 2;
  }
  const synthetic = values.source === 'synthetic';
  if (!synthetic && !values.reference) {
    console.error(`a file source needs --reference MASKS_DIR\n${USAGE}`);
    return 2;
  }
  const config = loadInferenceConfig();
  const log = values.json ? undefined : (line: string) => console.error(line);
  const model = await openModel(
    values.model ?? config.modelId,
    { executionProviders: config.executionProviders, intraOpThreads: config.intraOpThreads, log },
    config.modelsDir,
  );
  try {
    const cine: Cine = synthetic
      ? syntheticCine(seconds, { seed })
      : await fileCine(values.source, values.reference ?? '');
    // --no-exclusive-masks: each object's mask as tracked, overlaps kept (docs/tracking.md).
    const exclusiveMasks = !values['no-exclusive-masks'];
    const result = await runTrackingEval(model, cine, {
      params: { ...trackingParamsFor(model.info().family), exclusiveMasks },
    });
    if (values.json) {
      const s = result.summary;
      console.log(
        JSON.stringify({
          model: result.model,
          modelSha256: result.modelSha256,
          source: result.source,
          exclusiveMasks,
          frames: result.frames,
          objects: s.objects,
          meanDice: s.meanDice,
          minDiceInView: s.minDiceInView,
          minDiceInViewStrict: s.minDiceInViewStrict,
          lossDetectedWithinFrames: s.lossDetectedWithinFrames,
          falseLosses: s.falseLosses,
          reacquireFrames: s.reacquireFrames,
          leaveEvents: s.leaveEvents,
          returnEvents: s.returnEvents,
          inViewFrames: s.inViewFrames,
          inViewFramesDiceBelow08: s.inViewFramesDiceBelow08,
          framesShownOutOfView: s.framesShownOutOfView,
          framesShownOffObject: s.framesShownOffObject,
          trackMs: result.trackMs,
          encodeMs: result.encodeMs,
          perObject: result.perObject,
        }),
      );
    } else printTable(result);
    return 0;
  } finally {
    await model.close();
  }
}

runCli(main);
