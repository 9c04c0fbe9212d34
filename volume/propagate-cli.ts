/**
 * `npm run volume:propagate -- --image VOLUME.nii[.gz] --slice K (--box x0,y0,x1,y1 | --point x,y)
 * [--point x,y …] [--axis 0|1|2] --out DIR [--model ID] [--no-intensity-gate] [--json]`: prompts one slice of a volume
 * (slice pixels, as docs/volumes.md orients slices), propagates the object through the volume both
 * ways until it is lost, and writes DIR/labels.nii.gz on the volume's own grid and DIR/slices/.
 */
import { parseArgs } from 'node:util';
import { runCli } from '../inference/cli-exit.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import type { Prompt, PromptPoint } from '../inference/engine/prompts.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { writeLabelOutputs } from './label-outputs.ts';
import { readNifti } from './nifti.ts';
import { DEFAULT_GATE_PARAMS } from './intensity-gate.ts';
import { propagateThroughVolume, volumeTrackingParams } from './propagate.ts';

const USAGE =
  'usage: npm run volume:propagate -- --image VOLUME.nii.gz --slice K (--box x0,y0,x1,y1 | --point x,y) [--point x,y …] [--axis 0|1|2] --out DIR [--model ID] [--no-intensity-gate] [--json]';

function numbers(text: string, count: number): number[] | null {
  const v = text.split(',').map(Number);
  return v.length === count && v.every(Number.isFinite) ? v : null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      image: { type: 'string' },
      slice: { type: 'string' },
      box: { type: 'string' },
      point: { type: 'string', multiple: true },
      axis: { type: 'string', default: '2' },
      out: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-intensity-gate': { type: 'boolean', default: false },
    },
  });
  const slice = Number(values.slice);
  const axis = Number(values.axis);
  const box = values.box === undefined ? undefined : numbers(values.box, 4);
  const points = (values.point ?? []).map((p) => numbers(p, 2));
  if (
    !values.image ||
    !values.out ||
    !Number.isInteger(slice) ||
    (axis !== 0 && axis !== 1 && axis !== 2) ||
    box === null ||
    points.some((p) => p === null) ||
    (box === undefined && points.length === 0)
  ) {
    console.error(USAGE);
    return 2;
  }
  const prompt: Prompt = {
    points: points.map((p): PromptPoint => ({ x: p![0]!, y: p![1]!, label: 'positive' })),
    ...(box ? { box: { x0: box[0]!, y0: box[1]!, x1: box[2]!, y1: box[3]! } } : {}),
  };
  const config = loadInferenceConfig();
  const log = values.json ? undefined : (line: string) => console.error(line);
  const volume = await readNifti(values.image);
  const model = await openModel(
    values.model ?? config.modelId,
    { executionProviders: config.executionProviders, intraOpThreads: config.intraOpThreads, log },
    config.modelsDir,
  );
  try {
    const r = await propagateThroughVolume(
      model,
      volume,
      { axis, slice, prompt, value: 1 },
      volumeTrackingParams(trackingParamsFor(model.info().family)),
      values['no-intensity-gate'] ? false : DEFAULT_GATE_PARAMS,
    );
    const { nifti, slicePngs: pngs } = await writeLabelOutputs(values.out, r.labels, volume, axis);
    const summary = {
      slicesSegmented: r.slicesSegmented,
      range: r.range,
      stopped: r.stopped,
      intensityBand: r.intensityBand ?? null,
      labels: nifti,
      slicePngs: pngs.length,
      model: model.modelId,
      modelSha256: model.modelSha256,
    };
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(
        `${r.slicesSegmented} slices segmented (${r.range[0]}..${r.range[1]}), stopped below: ${r.stopped.down}, above: ${r.stopped.up}; wrote ${nifti} and ${pngs.length} slice PNGs`,
      );
    }
    return 0;
  } finally {
    await model.close();
  }
}

runCli(main);
