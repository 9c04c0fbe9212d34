/**
 * Prompts in original-image pixels (x right, y down, origin top-left), and their validation.
 * Points are pixel-centre coordinates in [0, width) × [0, height); a box is [x0, y0, x1, y1].
 */
import { EngineError } from './errors.ts';

export type PointLabel = 'positive' | 'negative';

export interface PromptPoint {
  readonly x: number;
  readonly y: number;
  readonly label: PointLabel;
}

export interface PromptBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Low-resolution mask logits from a previous decode of the same model (its `lowResLogits`). */
export interface PreviousMask {
  readonly width: number;
  readonly height: number;
  readonly logits: Float32Array;
}

export interface Prompt {
  readonly points: readonly PromptPoint[];
  readonly box?: PromptBox;
  readonly previousMask?: PreviousMask;
}

export function validatePrompt(prompt: Prompt, width: number, height: number): void {
  const inside = (x: number, y: number): boolean =>
    Number.isFinite(x) && Number.isFinite(y) && x >= 0 && y >= 0 && x <= width && y <= height;
  // Prompts arrive from the network: refuse malformed shapes with a code, not a TypeError.
  const points: unknown = (prompt as { points?: unknown } | null)?.points;
  if (!Array.isArray(points) || !points.every((p) => typeof p === 'object' && p !== null)) {
    throw new EngineError('PROMPT_INVALID', 'a prompt needs a points array of point objects');
  }
  if (prompt.points.length === 0 && !prompt.box) {
    throw new EngineError('PROMPT_INVALID', 'a prompt needs at least one point or a box');
  }
  for (const p of prompt.points) {
    if (p.label !== 'positive' && p.label !== 'negative') {
      throw new EngineError('PROMPT_INVALID', `unknown point label ${String(p.label)}`);
    }
    if (!inside(p.x, p.y)) {
      throw new EngineError(
        'PROMPT_INVALID',
        `point (${p.x}, ${p.y}) is outside the ${width}×${height} image`,
      );
    }
  }
  if (
    prompt.points.length > 0 &&
    prompt.points.every((p) => p.label === 'negative') &&
    !prompt.box
  ) {
    throw new EngineError('PROMPT_INVALID', 'negative points alone do not define an object');
  }
  const b = prompt.box;
  if (b) {
    if (!inside(b.x0, b.y0) || !inside(b.x1, b.y1)) {
      throw new EngineError(
        'PROMPT_INVALID',
        `box [${b.x0}, ${b.y0}, ${b.x1}, ${b.y1}] leaves the image`,
      );
    }
    if (b.x1 - b.x0 < 1 || b.y1 - b.y0 < 1) {
      throw new EngineError('PROMPT_INVALID', `box [${b.x0}, ${b.y0}, ${b.x1}, ${b.y1}] is empty`);
    }
  }
  const m = prompt.previousMask;
  if (m) {
    const size = (v: number) => Number.isInteger(v) && v >= 1;
    if (!size(m.width) || !size(m.height) || !(m.logits instanceof Float32Array)) {
      throw new EngineError(
        'PROMPT_INVALID',
        'previous mask needs a positive integer size and Float32Array logits',
      );
    }
    if (m.logits.length !== m.width * m.height) {
      throw new EngineError('PROMPT_INVALID', 'previous mask size does not match its logits');
    }
  }
}
