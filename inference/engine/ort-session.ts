/**
 * The only module that imports onnxruntime-node: opens a session on the configured execution
 * providers (first that works wins, logged), exposes its I/O metadata and runs it on plain arrays.
 */
import ort from 'onnxruntime-node';
import { EngineError } from './errors.ts';

export type ExecutionProvider = 'cuda' | 'cpu';

export interface SessionOptions {
  /** Tried in order; the first that loads is used. */
  readonly executionProviders: readonly ExecutionProvider[];
  readonly intraOpThreads: number;
  readonly log?: (line: string) => void;
}

export interface TensorMeta {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly (number | string)[];
}

export interface FeedTensor {
  readonly dtype: 'float32' | 'int64' | 'uint8';
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Uint8Array;
}

export interface OutputTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface ModelSession {
  readonly provider: ExecutionProvider;
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  run(feeds: Readonly<Record<string, FeedTensor>>): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

function meta(list: readonly ort.InferenceSession.ValueMetadata[]): TensorMeta[] {
  return list.map((m) =>
    m.isTensor
      ? {
          name: m.name,
          dtype: m.type,
          shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))),
        }
      : { name: m.name, dtype: 'non-tensor', shape: [] },
  );
}

// onnxruntime's own logger prints a red error line for every unavailable execution provider; the
// fallback is logged here instead, and real failures still arrive as exceptions.
ort.env.logLevel = 'fatal';

export async function openSession(
  model: string | Uint8Array,
  label: string,
  options: SessionOptions,
): Promise<ModelSession> {
  const errors: string[] = [];
  for (const provider of options.executionProviders) {
    let session: ort.InferenceSession;
    try {
      const opts: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        // A missing accelerator is expected on many boxes: we log the fallback ourselves below.
        logSeverityLevel: provider === 'cpu' ? 3 : 4,
      };
      session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, opts)
          : await ort.InferenceSession.create(model, opts);
    } catch (e) {
      errors.push(
        `${provider}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200)}`,
      );
      continue;
    }
    const skipped = errors.length ? `; unavailable: ${errors.join(' | ')}` : '';
    options.log?.(
      `${label}: execution provider ${provider} (${options.intraOpThreads} intra-op threads)${skipped}`,
    );
    return wrap(session, provider);
  }
  throw new EngineError('MODEL_LOAD_FAILED', `${label}: ${errors.join(' | ')}`);
}

function wrap(session: ort.InferenceSession, provider: ExecutionProvider): ModelSession {
  return {
    provider,
    inputs: meta(session.inputMetadata),
    outputs: meta(session.outputMetadata),
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        ortFeeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
      }
      let result: ort.InferenceSession.ReturnType;
      try {
        result = await session.run(ortFeeds);
      } catch (e) {
        throw new EngineError('INFERENCE_FAILED', e instanceof Error ? e.message : String(e), {
          cause: e,
        });
      }
      const out: Record<string, OutputTensor> = {};
      for (const [name, t] of Object.entries(result)) {
        if (!(t.data instanceof Float32Array)) {
          throw new EngineError(
            'INFERENCE_FAILED',
            `output ${name} is ${t.type}, expected float32`,
          );
        }
        out[name] = { dims: t.dims, data: t.data };
      }
      return out;
    },
    release: () => session.release(),
  };
}
