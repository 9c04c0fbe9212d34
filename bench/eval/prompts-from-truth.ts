/**
 * Derives the prompts a user would give from a ground-truth object (pure): its bounding box, pushed
 * out by a seeded random fraction per side, or its most interior point.
 *
 * Coordinates follow inference/engine/prompts.ts: continuous image coordinates in which pixel
 * (col, row) covers [col, col + 1) × [row, row + 1), so its centre is (col + 0.5, row + 0.5) and the
 * box of pixels minX..maxX, minY..maxY (inclusive) is [minX, minY, maxX + 1, maxY + 1].
 */
import type { PromptBox, PromptPoint } from '../../inference/engine/prompts.ts';
import { seededRandom } from '../../capture/phantom/seeded-random.ts';
import type { Component } from './components.ts';
import { farthestInteriorPixel } from '../../inference/engine/distance-transform.ts';

/** Prompt coordinates of the centre of pixel (col, row). */
export function pixelCentre(col: number, row: number): { x: number; y: number } {
  return { x: col + 0.5, y: row + 0.5 };
}

/**
 * A 32-bit seed for one object, mixed from the run seed and a key naming the object (e.g.
 * `"img_001.png#0"`), so an object's jitter depends only on the seed and itself, not on which other
 * images are in the set or in what order they are processed.
 */
export function objectSeed(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 finaliser, for avalanche
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Inclusive pixel bounds of an object. */
export interface PixelBounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * The object's bounding box with each side pushed outwards independently by a uniform random fraction
 * in [0, jitter) of the box's width (left, right) or height (top, bottom), then clipped to the image.
 * The four fractions are drawn in the order left, top, right, bottom from `seededRandom(seed)`.
 * With jitter 0 this is the exact box [minX, minY, maxX + 1, maxY + 1].
 */
export function jitteredBox(
  bounds: PixelBounds,
  imageWidth: number,
  imageHeight: number,
  jitter: number,
  seed: number,
): PromptBox {
  if (!(jitter >= 0) || !Number.isFinite(jitter))
    throw new RangeError(`box jitter ${jitter} must be ≥ 0`);
  const x0 = bounds.minX;
  const y0 = bounds.minY;
  const x1 = bounds.maxX + 1;
  const y1 = bounds.maxY + 1;
  const w = x1 - x0;
  const h = y1 - y0;
  if (jitter === 0) return { x0, y0, x1, y1 };
  const rng = seededRandom(seed);
  const left = rng.uniform(0, jitter) * w;
  const top = rng.uniform(0, jitter) * h;
  const right = rng.uniform(0, jitter) * w;
  const bottom = rng.uniform(0, jitter) * h;
  return {
    x0: Math.max(0, x0 - left),
    y0: Math.max(0, y0 - top),
    x1: Math.min(imageWidth, x1 + right),
    y1: Math.min(imageHeight, y1 + bottom),
  };
}

/** The box prompt of a component (see jitteredBox). */
export function boxPrompt(
  component: Component,
  imageWidth: number,
  imageHeight: number,
  jitter: number,
  seed: number,
): PromptBox {
  return jitteredBox(component, imageWidth, imageHeight, jitter, seed);
}

/**
 * A positive point at the centre of the mask's pixel farthest from its boundary (image border
 * included; ties as in farthestInteriorPixel). Undefined for an empty mask.
 */
export function interiorPointPrompt(
  mask: Uint8Array,
  width: number,
  height: number,
): PromptPoint | undefined {
  const p = farthestInteriorPixel(mask, width, height);
  if (!p) return undefined;
  return { ...pixelCentre(p.col, p.row), label: 'positive' };
}
