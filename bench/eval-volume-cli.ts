/**
 * `npm run eval:volume -- --image CT.nii.gz --reference SEG.nii.gz --label N [--axis 0|1|2]
 * [--out DIR] [--model ID] [--no-intensity-gate] [--json]`: prompts the label's largest slice once (box), propagates it
 * through the volume and reports the 3D Dice; `--out` also writes the result as NIfTI on the
 * image's grid (labels.nii.gz) and one PNG per slice (slices/).
 */
import { parseArgs } from 'node:util';
import { runCli } from '../inference/cli-exit.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { writeLabelOutputs } from '../volume/label-outputs.ts';
import { DEFAULT_GATE_PARAMS } from '../volume/intensity-gate.ts';
import { readNifti } from '../volume/nifti.ts';
import { runVolumeEval } from './volume/run-volume-eval.ts';

const USAGE =
  'usage: npm run eval:volume -- --image CT.nii.gz --reference SEG.nii.gz --label N [--axis 0|1|2] [--out DIR] [--model ID] [--no-intensity-gate] [--json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      image: { type: 'string' },
      reference: { type: 'string' },
      label: { type: 'string' },
      axis: { type: 'string', default: '2' },
      out: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-intensity-gate': { type: 'boolean', default: false },
    },
  });
  const label = Number(values.label);
  const axis = Number(values.axis);
  if (!values.image || !values.reference || !Number.isInteger(label) || label < 1) {
    console.error(USAGE);
    return 2;
  }
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    console.error(`--axis must be 0, 1 or 2\n${USAGE}`);
    return 2;
  }
  const config = loadInferenceConfig();
  const log = values.json ? undefined : (line: string) => console.error(line);
  const [image, reference] = await Promise.all([
    readNifti(values.image),
    readNifti(values.reference),
  ]);
  const model = await openModel(
    values.model ?? config.modelId,
    { executionProviders: config.executionProviders, intraOpThreads: config.intraOpThreads, log },
    config.modelsDir,
  );
  try {
    const r = await runVolumeEval(model, image, reference, {
      label,
      axis,
      params: trackingParamsFor(model.info().family),
      gate: values['no-intensity-gate'] ? false : DEFAULT_GATE_PARAMS,
    });
    if (values.out) await writeLabelOutputs(values.out, r.labels, image, axis);
    const summary = {
      label: r.label,
      dice: r.dice,
      slicesPrompted: r.slicesPrompted,
      slicesSegmented: r.slicesSegmented,
      referenceSlices: r.referenceSlices,
      promptSlice: r.promptSlice,
      range: r.range,
      stopped: r.stopped,
      intensityBand: r.intensityBand ?? null,
      model: model.modelId,
      modelSha256: model.modelSha256,
    };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(
        `label ${r.label}: 3D Dice ${r.dice.toFixed(3)}; prompted slice ${r.promptSlice} (axis ${axis}); ` +
          `${r.slicesSegmented} slices segmented (${r.range[0]}..${r.range[1]}), reference spans ${r.referenceSlices}; ` +
          `stopped below: ${r.stopped.down}, above: ${r.stopped.up}; ` +
          (r.intensityBand
            ? `intensity gate ${r.intensityBand.low.toFixed(0)}..${r.intensityBand.high.toFixed(0)} (grey)`
            : 'no intensity gate'),
      );
    }
    return 0;
  } finally {
    await model.close();
  }
}

runCli(main);
