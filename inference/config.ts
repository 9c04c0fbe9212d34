/**
 * Inference configuration: parsed once from the environment (the only module that reads it for
 * inference), validated, frozen and passed down. Units are in the names.
 *
 *   POCUS_MODELS_DIR          folder of models/<id>/manifest.json        (default: the project's models/)
 *   POCUS_MODEL               model id                                   (default: builtin)
 *   POCUS_EXECUTION_PROVIDERS comma list tried in order: cuda, cpu      (default: cuda,cpu)
 *   POCUS_INTRA_OP_THREADS    onnxruntime intra-op threads per session    (default: 1)
 *   POCUS_TICK_MS             the daemon's cycle budget, ms               (default: 60)
 *   POCUS_SCHEDULE            free-running | tick-aligned                 (default: free-running)
 *   POCUS_*_ENDPOINT, POCUS_RUNTIME_DIR: see protocol/endpoints.ts
 */
import { EngineError } from './engine/errors.ts';
import { DEFAULT_MODELS_DIR, BUILTIN_MODEL_ID } from './engine/model-registry.ts';
import type { ExecutionProvider } from './engine/ort-session.ts';
import type { Schedule } from './daemon/cycle-plan.ts';
import { parseEndpoints, type Endpoints } from './protocol/endpoints.ts';

export interface InferenceConfig {
  readonly modelsDir: string;
  readonly modelId: string;
  readonly executionProviders: readonly ExecutionProvider[];
  readonly intraOpThreads: number;
  readonly tickPeriodMs: number;
  readonly schedule: Schedule;
  readonly endpoints: Endpoints;
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
  const tick = Number(env.POCUS_TICK_MS ?? '60');
  if (!(tick >= 5 && tick <= 10_000))
    throw new EngineError('CONFIG_INVALID', 'POCUS_TICK_MS must be in 5..10000');
  const schedule = env.POCUS_SCHEDULE ?? 'free-running';
  if (schedule !== 'free-running' && schedule !== 'tick-aligned') {
    throw new EngineError('CONFIG_INVALID', 'POCUS_SCHEDULE must be free-running or tick-aligned');
  }
  let endpoints: Endpoints;
  try {
    endpoints = parseEndpoints(env);
  } catch (e) {
    throw new EngineError('CONFIG_INVALID', (e as Error).message);
  }
  return Object.freeze({
    modelsDir: env.POCUS_MODELS_DIR ?? DEFAULT_MODELS_DIR,
    modelId: env.POCUS_MODEL ?? BUILTIN_MODEL_ID,
    executionProviders: Object.freeze(providers as ExecutionProvider[]),
    intraOpThreads: threads,
    tickPeriodMs: tick,
    schedule,
    endpoints,
  });
}

export function loadInferenceConfig(): InferenceConfig {
  return parseInferenceConfig(process.env);
}
