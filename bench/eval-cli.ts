/**
 * `npm run eval -- --images DIR --masks DIR [--prompt box|point] [--box-jitter F] [--seed S]
 * [--clicks K] [--model ID] [--threads N] [--json]`: scores a model against ground-truth masks.
 */
import { parseArgs } from 'node:util';
import { openModel } from '../inference/engine/model-registry.ts';
import { runCli } from '../inference/cli-exit.ts';
import { loadInferenceConfig } from '../inference/config.ts';
import { formatEvalTable, runEval } from './eval/run-eval.ts';

const USAGE =
  'usage: npm run eval -- --images DIR --masks DIR [--prompt box|point] [--box-jitter F] [--seed S] [--clicks K] [--model ID] [--threads N] [--json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string' },
      masks: { type: 'string' },
      prompt: { type: 'string', default: 'box' },
      'box-jitter': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      clicks: { type: 'string', default: '0' },
      model: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const prompt = values.prompt;
  const boxJitter = Number(values['box-jitter']);
  const seed = Number(values.seed);
  const clicks = Number(values.clicks);
  const config = loadInferenceConfig();
  const threads = values.threads === undefined ? config.intraOpThreads : Number(values.threads);
  if (!values.images || !values.masks || (prompt !== 'box' && prompt !== 'point')) {
    console.error(USAGE);
    return 2;
  }
  if (
    !(boxJitter >= 0) ||
    !Number.isInteger(seed) ||
    !Number.isInteger(clicks) ||
    clicks < 0 ||
    !(threads >= 1)
  ) {
    console.error(`bad numeric option\n${USAGE}`);
    return 2;
  }
  const log = values.json ? undefined : (line: string) => console.error(line);
  const model = await openModel(
    values.model ?? config.modelId,
    { executionProviders: config.executionProviders, intraOpThreads: threads, log },
    config.modelsDir,
  );
  try {
    const report = await runEval(model, {
      imagesDir: values.images,
      masksDir: values.masks,
      prompt,
      boxJitter,
      seed,
      clicks,
      onProgress: values.json
        ? undefined
        : (done, total, image) => console.error(`[${done}/${total}] ${image}`),
    });
    console.log(values.json ? JSON.stringify(report) : formatEvalTable(report));
  } finally {
    await model.close();
  }
  return 0;
}

runCli(main);
