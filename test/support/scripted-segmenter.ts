/**
 * A segmenter for tracker tests that answers each decode from a script (a throw fails that decode)
 * and counts the calls.
 */
import type { BinaryMask } from '../../inference/engine/mask.ts';
import type { Prompt } from '../../inference/engine/prompts.ts';
import type { DecodeResult, Embedding, Segmenter } from '../../inference/engine/types.ts';

export interface ScriptedAnswer {
  readonly mask: BinaryMask;
  readonly score: number;
  readonly lowResLogits: { width: number; height: number; logits: Float32Array };
}

export function scriptedSegmenter(
  answer: (prompt: Prompt) => ScriptedAnswer,
): Segmenter & { calls: number } {
  const s = {
    modelId: 'scripted',
    modelSha256: '',
    calls: 0,
    encode: () => Promise.reject(new Error('not used')),
    decode: (_e: Embedding, prompt: Prompt) => {
      s.calls++;
      // A script that throws fails the decode as a real one does: a rejected promise.
      return Promise.resolve(prompt).then((p) => answer(p) as unknown as DecodeResult);
    },
  };
  return s;
}
