/** Derives independent 32-bit sub-seeds from a phantom seed, a stream number and a frame index. */

/** murmur3 32-bit finaliser: a bijective avalanche of a 32-bit integer. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Named random streams, so that adding a consumer never shifts the numbers another one draws. */
export const Stream = {
  scene: 1,
  persistentSpeckle: 2,
  refreshSpeckle: 3,
  electronicNoise: 4,
  frameOffsets: 5,
} as const;

/**
 * A sub-seed for (seed, stream, index); index may be any non-negative safe integer (e.g. a frame
 * number). Distinct arguments give unrelated seeds; equal arguments give equal seeds.
 */
export function mixSeed(seed: number, stream: number, index = 0): number {
  const lo = index % 0x100000000;
  const hi = Math.floor(index / 0x100000000);
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(stream + 1, 0x27d4eb2f));
  h = fmix32(h ^ (lo >>> 0));
  h = fmix32(h ^ Math.imul(hi + 0x165667b1, 0x61c88647));
  return h;
}
