/**
 * Turns a frame into the encoder's input tensor as the manifest's preprocess section says:
 * channel conversion, resize (longest side or stretch), normalisation, padding, layout. Pure.
 */
import { modelGeometry, type ModelGeometry } from './coords.ts';
import type { Frame } from './frame.ts';
import type { PreprocessSpec } from './manifest.ts';
import { resizePlane } from './resample.ts';

export interface EncoderInput {
  readonly dims: readonly number[];
  readonly data: Float32Array;
  readonly geometry: ModelGeometry;
}

/** Splits a frame into `channels` float planes on the 0–255 scale (grey is replicated, luma for 1). */
function planes(frame: Frame, channels: 1 | 3): Float32Array[] {
  const n = frame.width * frame.height;
  const { data } = frame;
  const c = frame.channels;
  if (channels === 1) {
    const g = new Float32Array(n);
    if (c === 1) g.set(data);
    else
      for (let i = 0, j = 0; i < n; i++, j += c)
        g[i] = 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
    return [g];
  }
  if (c === 1) {
    const g = Float32Array.from(data);
    return [g, g, g];
  }
  const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0, j = 0; i < n; i++, j += c) {
    out[0]![i] = data[j]!;
    out[1]![i] = data[j + 1]!;
    out[2]![i] = data[j + 2]!;
  }
  return out;
}

function normalise(ps: Float32Array[], spec: PreprocessSpec['normalize']): void {
  switch (spec.kind) {
    case 'none':
      return;
    case 'mean-std':
      ps.forEach((p, c) => {
        const mean = spec.mean[Math.min(c, spec.mean.length - 1)]!;
        const std = spec.std[Math.min(c, spec.std.length - 1)]!;
        for (let i = 0; i < p.length; i++) p[i] = (p[i]! - mean) / std;
      });
      return;
    case 'min-max': {
      let lo = Infinity;
      let hi = -Infinity;
      for (const p of ps)
        for (let i = 0; i < p.length; i++) {
          lo = Math.min(lo, p[i]!);
          hi = Math.max(hi, p[i]!);
        }
      const range = Math.max(hi - lo, 1e-8);
      for (const p of ps) for (let i = 0; i < p.length; i++) p[i] = (p[i]! - lo) / range;
      return;
    }
  }
}

/** Exact 2:1 downscale by 2×2 block averaging (the common 512 → 256 case, and area-exact). */
function halve(p: Float32Array, w: number, h: number): Float32Array {
  const ow = w >> 1;
  const oh = h >> 1;
  const out = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    const r0 = 2 * y * w;
    const r1 = r0 + w;
    const o = y * ow;
    for (let x = 0; x < ow; x++) {
      const c = 2 * x;
      out[o + x] = 0.25 * (p[r0 + c]! + p[r0 + c + 1]! + p[r1 + c]! + p[r1 + c + 1]!);
    }
  }
  return out;
}

export function preprocess(frame: Frame, spec: PreprocessSpec): EncoderInput {
  const geometry = modelGeometry(frame.width, frame.height, spec.size, spec.resize);
  const rw = geometry.resizedWidth;
  const rh = geometry.resizedHeight;
  const resized = planes(frame, spec.channels).map((p) => {
    if (rw === frame.width && rh === frame.height) return p;
    if (rw * 2 === frame.width && rh * 2 === frame.height)
      return halve(p, frame.width, frame.height);
    return resizePlane(p, frame.width, frame.height, rw, rh);
  });
  normalise(resized, spec.normalize);
  const outW = spec.pad ? spec.size : rw;
  const outH = spec.pad ? spec.size : rh;
  const c = spec.channels;
  const data = new Float32Array(outW * outH * c);
  if (spec.layout === 'NCHW') {
    resized.forEach((p, ch) => {
      const base = ch * outW * outH;
      for (let y = 0; y < rh; y++) data.set(p.subarray(y * rw, (y + 1) * rw), base + y * outW);
    });
    return { dims: [1, c, outH, outW], data, geometry };
  }
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      const o = (y * outW + x) * c;
      for (let ch = 0; ch < c; ch++) data[o + ch] = resized[ch]![y * rw + x]!;
    }
  }
  return { dims: [outH, outW, c], data, geometry };
}
