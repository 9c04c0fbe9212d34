/**
 * Finds and opens models by id: `models/<id>/manifest.json` under a models folder. The built-in
 * model is generated (and checked against its committed checksums) on first use.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuiltinModel } from '../../models/builtin/build.ts';
import { EngineError } from './errors.ts';
import { ModelPair } from './model-pair.ts';
import type { SessionOptions } from './ort-session.ts';

export const DEFAULT_MODELS_DIR = resolve(fileURLToPath(new URL('../../models', import.meta.url)));
export const BUILTIN_MODEL_ID = 'builtin';

export function manifestPathFor(id: string, modelsDir = DEFAULT_MODELS_DIR): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id)) {
    throw new EngineError('MODEL_MANIFEST_MISSING', `"${id}" is not a valid model id`);
  }
  return join(modelsDir, id, 'manifest.json');
}

export async function openModel(
  id: string,
  session: SessionOptions,
  modelsDir = DEFAULT_MODELS_DIR,
): Promise<ModelPair> {
  const manifestPath = manifestPathFor(id, modelsDir);
  if (id === BUILTIN_MODEL_ID) await ensureBuiltinModel(join(modelsDir, id), session.log);
  return ModelPair.open(manifestPath, session);
}
