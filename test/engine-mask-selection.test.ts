import { describe, expect, it } from 'vitest';
import { selectMask } from '../inference/engine/mask-selection.ts';

describe('multimask selection (SAM rule)', () => {
  it('single-mask exports always give mask 0', () => {
    expect(selectMask([0.2], 1)).toBe(0);
    expect(selectMask([0.2], 5)).toBe(0);
  });
  it('ambiguous prompts (≤ 2 encoded points) take the best of the alternatives, never mask 0', () => {
    expect(selectMask([0.99, 0.5, 0.8, 0.7], 2)).toBe(2);
    expect(selectMask([0.1, 0.5, 0.3, 0.9], 2)).toBe(3);
  });
  it('prompts with more points take the single-mask output', () => {
    expect(selectMask([0.1, 0.5, 0.8, 0.9], 3)).toBe(0);
  });
});
