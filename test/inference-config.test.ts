import { describe, expect, it } from 'vitest';
import { parseInferenceConfig } from '../inference/config.ts';
import { isEngineError } from '../inference/engine/errors.ts';

describe('inference configuration', () => {
  it('defaults: built-in model, CUDA first then CPU, one intra-op thread; frozen', () => {
    const c = parseInferenceConfig({});
    expect(c.modelId).toBe('builtin');
    expect(c.executionProviders).toEqual(['cuda', 'cpu']);
    expect(c.intraOpThreads).toBe(1);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads providers, threads and model from the environment', () => {
    const c = parseInferenceConfig({
      POCUS_EXECUTION_PROVIDERS: 'cpu',
      POCUS_INTRA_OP_THREADS: '4',
      POCUS_MODEL: 'sam-b',
    });
    expect(c.executionProviders).toEqual(['cpu']);
    expect(c.intraOpThreads).toBe(4);
    expect(c.modelId).toBe('sam-b');
  });

  it('refuses unknown providers and bad thread counts with CONFIG_INVALID', () => {
    for (const env of [
      { POCUS_EXECUTION_PROVIDERS: 'tpu' },
      { POCUS_INTRA_OP_THREADS: '0' },
      { POCUS_INTRA_OP_THREADS: 'x' },
    ]) {
      expect(() => parseInferenceConfig(env)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
      try {
        parseInferenceConfig(env);
      } catch (e) {
        expect(isEngineError(e, 'CONFIG_INVALID')).toBe(true);
      }
    }
  });
});
