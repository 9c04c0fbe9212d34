/**
 * Mask clean-up on the low-resolution logit grid (cheap: done before upsampling):
 * keep only the connected components a positive prompt touches, and fill enclosed holes.
 * Pure; it rewrites logits so the clean-up also holds for the upsampled mask.
 */
import type { Prompt } from './prompts.ts';

/** 4-connected component labels of `fg` (1-based; 0 = not in fg). */
export function labelComponents(
  fg: Uint8Array,
  w: number,
  h: number,
): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  let count = 0;
  for (let s = 0; s < fg.length; s++) {
    if (!fg[s] || labels[s]) continue;
    count += 1;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % w;
      const neighbours = [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w];
      for (const q of neighbours) {
        if (q >= 0 && q < fg.length && fg[q] && !labels[q]) {
          labels[q] = count;
          stack[top++] = q;
        }
      }
    }
  }
  return { labels, count };
}

/**
 * Keeps the components that contain a positive point (in grid coordinates), or, with none inside
 * the mask, the largest component; suppressed logits are set to min(logit, -margin).
 */
export function keepPromptedComponents(
  logits: Float32Array,
  w: number,
  h: number,
  threshold: number,
  positives: readonly { x: number; y: number }[],
  margin = 1,
): void {
  const fg = new Uint8Array(w * h);
  for (let i = 0; i < fg.length; i++) fg[i] = logits[i]! > threshold ? 1 : 0;
  const { labels, count } = labelComponents(fg, w, h);
  if (count <= 1) return;
  const keep = new Uint8Array(count + 1);
  for (const p of positives) {
    const x = Math.min(w - 1, Math.max(0, Math.floor(p.x)));
    const y = Math.min(h - 1, Math.max(0, Math.floor(p.y)));
    keep[labels[y * w + x]!] = 1;
  }
  keep[0] = 0;
  if (!keep.some((k) => k === 1)) {
    const sizes = new Int32Array(count + 1);
    for (let i = 0; i < labels.length; i++) sizes[labels[i]!]! += 1;
    let best = 1;
    for (let c = 2; c <= count; c++) if (sizes[c]! > sizes[best]!) best = c;
    keep[best] = 1;
  }
  for (let i = 0; i < logits.length; i++) {
    const l = labels[i]!;
    if (l > 0 && !keep[l]) logits[i] = Math.min(logits[i]!, threshold - margin);
  }
}

/** Which components (by label, 1-based; index 0 is set too) have a pixel on the grid's border. */
export function touchingBorder(
  labels: Int32Array,
  count: number,
  w: number,
  h: number,
): Uint8Array {
  const touches = new Uint8Array(count + 1);
  for (let x = 0; x < w; x++) {
    touches[labels[x]!] = 1;
    touches[labels[(h - 1) * w + x]!] = 1;
  }
  for (let y = 0; y < h; y++) {
    touches[labels[y * w]!] = 1;
    touches[labels[y * w + w - 1]!] = 1;
  }
  return touches;
}

/** Fills background components that do not touch the grid border; filled logits become threshold + margin. */
export function fillHoles(
  logits: Float32Array,
  w: number,
  h: number,
  threshold: number,
  margin = 1,
): void {
  const bg = new Uint8Array(w * h);
  for (let i = 0; i < bg.length; i++) bg[i] = logits[i]! > threshold ? 0 : 1;
  const { labels, count } = labelComponents(bg, w, h);
  if (count <= 1) return;
  const touches = touchingBorder(labels, count, w, h);
  for (let i = 0; i < logits.length; i++) {
    const l = labels[i]!;
    if (l > 0 && !touches[l]) logits[i] = Math.max(logits[i]!, threshold + margin);
  }
}

export function positivePoints(prompt: Prompt): { x: number; y: number }[] {
  return prompt.points.filter((p) => p.label === 'positive').map((p) => ({ x: p.x, y: p.y }));
}
