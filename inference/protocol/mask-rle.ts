/**
 * Run-length encoding of binary masks for the wire (daemon → appliance → tablet): row-major runs
 * as u32 little-endian, alternating background/foreground, starting with background (possibly 0).
 * Pure and browser-safe (no Buffer).
 */
export function encodeRle(mask: Uint8Array): Uint8Array {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i] ? 1 : 0;
    if (v === current) {
      length += 1;
    } else {
      runs.push(length);
      current = v;
      length = 1;
    }
  }
  runs.push(length);
  const out = new Uint8Array(runs.length * 4);
  const view = new DataView(out.buffer);
  runs.forEach((r, i) => view.setUint32(i * 4, r, true));
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
