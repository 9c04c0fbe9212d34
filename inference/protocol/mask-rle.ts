/**
 * Run-length encoding of binary masks for the wire (daemon → appliance → tablet): row-major runs
 * as u32 little-endian, alternating background/foreground, starting with background (possibly 0).
 * Pure and browser-safe (no Buffer).
 */
export function encodeRle(mask: Uint8Array): Uint8Array {
  // Hot path (every object, every frame): background is skipped four pixels at a time through a
  // 32-bit view where the buffer allows it, foreground runs end at the next 0 (native indexOf).
  const n = mask.length;
  const words =
    mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, n >> 2) : null;
  const runs: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    if (words) {
      while (j < n && (j & 3) !== 0 && mask[j] === 0) j++;
      while (j + 4 <= n && (j & 3) === 0 && words[j >> 2] === 0) j += 4;
    }
    while (j < n && mask[j] === 0) j++;
    runs.push(j - i);
    if (j >= n) break;
    let k = mask.indexOf(0, j);
    if (k < 0) k = n;
    runs.push(k - j);
    i = k;
  }
  if (runs.length === 0) runs.push(0);
  const out = new Uint8Array(runs.length * 4);
  const view = new DataView(out.buffer);
  runs.forEach((r, idx) => view.setUint32(idx * 4, r, true));
  return out;
}

/** Decodes into `out` (length = width × height); refuses runs that do not add up. */
export function decodeRle(rle: Uint8Array, out: Uint8Array): Uint8Array {
  if (rle.length % 4 !== 0) throw new RangeError('RLE length is not a multiple of 4');
  const view = new DataView(rle.buffer, rle.byteOffset, rle.byteLength);
  let pos = 0;
  for (let i = 0; i < rle.length / 4; i++) {
    const run = view.getUint32(i * 4, true);
    if (pos + run > out.length) throw new RangeError('RLE runs exceed the mask size');
    out.fill(i % 2, pos, pos + run);
    pos += run;
  }
  if (pos !== out.length) throw new RangeError(`RLE covers ${pos} of ${out.length} pixels`);
  return out;
}
