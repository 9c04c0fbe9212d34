/**
 * `npm run models:import -- --encoder E.onnx --decoder D.onnx --family sam|mobilesam|medsam --id NAME
 *  [--models-dir DIR] [--force] [--copy] [--mask-source low_res_masks|masks]`
 * Exit codes: 0 imported, 1 refused (the coded message on stderr), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { isEngineError } from '../inference/engine/errors.ts';
import { DEFAULT_MODELS_DIR } from '../inference/engine/model-registry.ts';
import {
  IMPORT_FAMILIES,
  importModel,
  importSummary,
  type ImportFamily,
  type MaskSource,
} from './import-model.ts';

const USAGE = `usage: npm run models:import -- --encoder E.onnx --decoder D.onnx --family ${IMPORT_FAMILIES.join('|')} --id NAME
         [--models-dir DIR] [--force] [--copy] [--mask-source low_res_masks|masks]

  --encoder       the image encoder ONNX file
  --decoder       the prompt encoder + mask decoder ONNX file (segment-anything SamOnnxModel signature)
  --family        sam, mobilesam or medsam (decides the preprocessing; a samexporter-style
                  encoder with raw HWC input is detected from the file)
  --id            model id: 1-64 of a-z 0-9 . _ -, starting with a letter or digit
  --models-dir    where <id>/ is written (default ${DEFAULT_MODELS_DIR})
  --force         replace an existing model with the same id
  --copy          copy the ONNX files even where a hard link is possible
  --mask-source   low_res_masks (default; the engine upsamples) or masks (sam/mobilesam only:
                  the decoder's own full-size output)`;

const MASK_SOURCES: readonly MaskSource[] = ['low_res_masks', 'masks'];

class UsageError extends Error {}

function parse(argv: readonly string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        encoder: { type: 'string' },
        decoder: { type: 'string' },
        family: { type: 'string' },
        id: { type: 'string' },
        'models-dir': { type: 'string' },
        force: { type: 'boolean', default: false },
        copy: { type: 'boolean', default: false },
        'mask-source': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return undefined;
  const missing = (['encoder', 'decoder', 'family', 'id'] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  }
  const family = values.family!;
  if (!(IMPORT_FAMILIES as readonly string[]).includes(family)) {
    throw new UsageError(`--family must be one of ${IMPORT_FAMILIES.join(', ')}, not "${family}"`);
  }
  const maskSource = values['mask-source'];
  if (maskSource !== undefined && !(MASK_SOURCES as readonly string[]).includes(maskSource)) {
    throw new UsageError(`--mask-source must be one of ${MASK_SOURCES.join(', ')}`);
  }
  return {
    encoderPath: values.encoder!,
    decoderPath: values.decoder!,
    family: family as ImportFamily,
    id: values.id!,
    modelsDir: values['models-dir'] ?? DEFAULT_MODELS_DIR,
    force: values.force,
    copy: values.copy,
    ...(maskSource ? { maskSource: maskSource as MaskSource } : {}),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let request;
  try {
    request = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`models:import: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!request) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await importModel({
      ...request,
      session: { executionProviders: ['cpu'], intraOpThreads: 1 },
    });
    process.stdout.write(
      `${importSummary(result, { encoder: request.encoderPath, decoder: request.decoderPath })}\n`,
    );
    return 0;
  } catch (e) {
    if (isEngineError(e)) {
      process.stderr.write(`models:import refused: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(
      `models:import failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
