/**
 * Inference configuration: parsed once from the environment (the only module that reads it for
 * inference), validated, frozen and passed down. Units are in the names.
 *
 *   POCUS_MODELS_DIR          folder of models/<id>/manifest.json        (default: the project's models/)
 *   POCUS_MODEL               model id                                   (default: builtin)
 *   POCUS_EXECUTION_PROVIDERS comma list tried in order: cuda, cpu      (default: cuda,cpu)
 *   POCUS_INTRA_OP_THREADS    onnxruntime intra-op threads per session    (default: 1)
 */
import { EngineError } from './engine/errors.ts';
import { DEFAULT_MODELS_DIR, BUILTIN_MODEL_ID } from './engine/model-registry.ts';
import type { ExecutionProvider } from './engine/ort-session.ts';

export interface InferenceConfig {
  readonly modelsDir: string;
  readonly modelId: string;
  readonly executionProviders: readonly ExecutionProvider[];
  readonly intraOpThreads: number;
}

const PROVIDERS: readonly ExecutionProvider[] = ['cuda', 'cpu'];

export function parseInferenceConfig(
  env: Readonly<Record<string, string | undefined>>,
): InferenceConfig {
  const providers = (env.POCUS_EXECUTION_PROVIDERS ?? 'cuda,cpu')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of providers) {
    if (!PROVIDERS.includes(p as ExecutionProvider)) {
      throw new EngineError(
        'CONFIG_INVALID',
        `POCUS_EXECUTION_PROVIDERS: unknown provider "${p}" (cuda, cpu)`,
      );
    }
  }
  if (providers.length === 0)
    throw new EngineError('CONFIG_INVALID', 'POCUS_EXECUTION_PROVIDERS is empty');
  const threads = Number(env.POCUS_INTRA_OP_THREADS ?? '1');
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new EngineError('CONFIG_INVALID', `POCUS_INTRA_OP_THREADS must be an integer in 1..64`);
  }
  return Object.freeze({
    modelsDir: env.POCUS_MODELS_DIR ?? DEFAULT_MODELS_DIR,
    modelId: env.POCUS_MODEL ?? BUILTIN_MODEL_ID,
    executionProviders: Object.freeze(providers as ExecutionProvider[]),
    intraOpThreads: threads,
  });
}

export function loadInferenceConfig(): InferenceConfig {
  return parseInferenceConfig(process.env);
}
