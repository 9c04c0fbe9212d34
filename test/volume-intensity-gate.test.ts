/** The intensity gate of volume propagation (pure): band learning, filters, and the gate itself. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../capture/phantom/index.ts';
import type { DecodeResult, Embedding } from '../inference/engine/types.ts';
import { seededTrack } from '../inference/tracking/object-track.ts';
import type { TrackingStrategy } from '../inference/tracking/tracking-strategy.ts';
import { IntensityGatedStrategy } from '../volume/gated-strategy.ts';
import {
  DEFAULT_GATE_PARAMS,
  boxMean,
  fillMaskHoles,
  gateMask,
  gatePixels,
  learnBand,
  MAX_GATE_RADIUS_PX,
  openMask,
  type GatePixels,
} from '../volume/intensity-gate.ts';

const W = 40;
const H = 30;

/** A W×H 0/1 mask of the pixels where `inside(x, y)` holds. */
function maskOf(inside: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = inside(x, y) ? 1 : 0;
  return m;
}

function count(m: Uint8Array): number {
  return m.reduce((a, v) => a + v, 0);
}

const NO_FILTERS: GatePixels = { smoothRadius: 0, openRadius: 0, growPx: 0, shiftPx: 0 };

describe('boxMean', () => {
  it('is the mean over the square clipped at the borders', () => {
    const rng = seededRandom(3);
    const grey = Uint8Array.from({ length: W * H }, () => Math.floor(rng.next() * 256));
    const out = boxMean(grey, W, H, 2);
    for (const [x, y] of [
      [0, 0],
      [5, 7],
      [W - 1, H - 1],
      [W - 2, 0],
    ] as const) {
      let sum = 0;
      let n = 0;
      for (let yy = Math.max(0, y - 2); yy <= Math.min(H - 1, y + 2); yy++)
        for (let xx = Math.max(0, x - 2); xx <= Math.min(W - 1, x + 2); xx++) {
          sum += grey[yy * W + xx]!;
          n++;
        }
      expect(out[y * W + x]).toBeCloseTo(sum / n, 4);
    }
    expect(Array.from(boxMean(grey, W, H, 0))).toEqual(Array.from(grey));
  });
});

describe('learnBand', () => {
  it("centres on the mask's dominant intensity, not on a neighbour it leaks into", () => {
    const rng = seededRandom(5);
    // Left 60 % of the mask is the object (grey ~100), the rest a brighter neighbour (~190).
    const grey = Uint8Array.from({ length: W * H }, (_, i) =>
      i % W < 24 ? 100 + Math.round((rng.next() - 0.5) * 10) : 190,
    );
    const mask = maskOf(() => true);
    const band = learnBand(grey, mask, W, H, DEFAULT_GATE_PARAMS, NO_FILTERS)!;
    expect(band.low).toBeLessThan(95);
    expect(band.high).toBeGreaterThan(105);
    expect(band.high).toBeLessThan(190);
    // A uniform object still gets the minimum half-width.
    const flat = learnBand(
      new Uint8Array(W * H).fill(80),
      mask,
      W,
      H,
      DEFAULT_GATE_PARAMS,
      NO_FILTERS,
    )!;
    expect(flat.low).toBe(80 - DEFAULT_GATE_PARAMS.minHalfWidth);
    expect(flat.high).toBe(80 + DEFAULT_GATE_PARAMS.minHalfWidth);
  });

  it('widens with the spread of the object', () => {
    const rng = seededRandom(9);
    const noisy = Uint8Array.from(
      { length: W * H },
      () => 120 + Math.round((rng.next() - 0.5) * 80),
    );
    const band = learnBand(
      noisy,
      maskOf(() => true),
      W,
      H,
      DEFAULT_GATE_PARAMS,
      NO_FILTERS,
    )!;
    expect(band.high - band.low).toBeGreaterThan(2 * DEFAULT_GATE_PARAMS.minHalfWidth);
  });

  it('is undefined for an empty mask', () => {
    const grey = new Uint8Array(W * H);
    expect(learnBand(grey, new Uint8Array(W * H), W, H, DEFAULT_GATE_PARAMS, NO_FILTERS)).toBe(
      undefined,
    );
  });
});

describe('openMask and fillMaskHoles', () => {
  it('opening removes a 1-px bridge and keeps the blocks it joined', () => {
    const blocks = maskOf(
      (x, y) => (x >= 2 && x < 12 && y >= 5 && y < 15) || (x >= 20 && x < 30 && y >= 5 && y < 15),
    );
    const bridged = maskOf((x, y) => blocks[y * W + x] === 1 || (y === 10 && x >= 12 && x < 20));
    const opened = openMask(bridged, W, H, 1);
    expect(Array.from(opened)).toEqual(Array.from(blocks));
  });

  it('fills an enclosed hole but not a notch open to the border', () => {
    const ring = maskOf(
      (x, y) => x >= 5 && x < 15 && y >= 5 && y < 15 && !(x >= 8 && x < 12 && y >= 8 && y < 12),
    );
    expect(count(fillMaskHoles(ring, W, H))).toBe(100);
    const notch = maskOf((x, y) => y < 10 && !(x === 20 && y < 5));
    expect(Array.from(fillMaskHoles(notch, W, H))).toEqual(Array.from(notch));
  });
});

describe('gateMask', () => {
  // The object: a 12×12 square of grey 100 at (4..16, 8..20); a neighbour of grey 180 touching it
  // on the right (16..28); a same-grey blob below it (rows 22..28) joined by a 1-px bridge at
  // column 10; background 20.
  const grey = Uint8Array.from({ length: W * H }, (_, i) => {
    const x = i % W;
    const y = Math.floor(i / W);
    if (y >= 8 && y < 20 && x >= 4 && x < 16) return 100;
    if (y >= 8 && y < 20 && x >= 16 && x < 28) return 180;
    if (y >= 22 && y < 28 && x >= 4 && x < 16) return 100;
    if (x === 10 && y >= 20 && y < 22) return 100;
    return 20;
  });
  const object = maskOf((x, y) => y >= 8 && y < 20 && x >= 4 && x < 16);
  const band = { low: 80, high: 120 };

  it('cuts what the model leaked into a neighbour of another intensity', () => {
    const leaked = maskOf((x, y) => y >= 6 && y < 20 && x >= 2 && x < 28);
    const gated = gateMask(grey, leaked, object, W, H, band, NO_FILTERS);
    expect(Array.from(gated)).toEqual(Array.from(object));
  });

  it('keeps only parts connected to the anchor, after the opening cut the bridge', () => {
    const everything = maskOf(() => true);
    const withBridge = gateMask(grey, everything, object, W, H, band, NO_FILTERS);
    expect(count(withBridge)).toBe(144 + 2 + 72);
    const opened = gateMask(grey, everything, object, W, H, band, { ...NO_FILTERS, openRadius: 1 });
    expect(Array.from(opened)).toEqual(Array.from(object));
  });

  it('grows past a model mask that fell short, into pixels of the band only', () => {
    const short = maskOf((x, y) => y >= 10 && y < 18 && x >= 6 && x < 14);
    const grown = gateMask(grey, short, short, W, H, band, { ...NO_FILTERS, growPx: 2 });
    expect(Array.from(grown)).toEqual(Array.from(object));
  });

  it("stays within shiftPx of the previous slice's mask", () => {
    const everything = maskOf(() => true);
    const previous = maskOf((x, y) => y >= 8 && y < 20 && x >= 4 && x < 10);
    const near = gateMask(
      grey,
      everything,
      previous,
      W,
      H,
      band,
      { ...NO_FILTERS, shiftPx: 3 },
      previous,
    );
    expect(near[14 * W + 12]).toBe(1);
    for (let y = 0; y < H; y++) for (let x = 13; x < W; x++) expect(near[y * W + x]).toBe(0);
    expect(count(near)).toBe(9 * 12 + 2 + 9);
  });

  it('gives the same mask for the same scene placed anywhere in a larger slice', () => {
    const [BW, BH, ox, oy] = [200, 150, 97, 61];
    const embed = (a: Uint8Array, fill: number) => {
      const big = new Uint8Array(BW * BH).fill(fill);
      for (let y = 0; y < H; y++) big.set(a.subarray(y * W, (y + 1) * W), (oy + y) * BW + ox);
      return big;
    };
    const zero = new Uint8Array(W * H);
    const leaked = maskOf((x, y) => y >= 4 && y < 26 && x >= 1 && x < 30);
    const previous = maskOf((x, y) => y >= 9 && y < 19 && x >= 5 && x < 14);
    const pixels = { smoothRadius: 1, openRadius: 1, growPx: 2, shiftPx: 3 };
    const small = gateMask(grey, leaked, previous, W, H, band, pixels, previous);
    const big = gateMask(
      embed(grey, 20),
      embed(leaked, 0),
      embed(previous, 0),
      BW,
      BH,
      band,
      pixels,
      embed(previous, 0),
    );
    expect(count(small)).toBeGreaterThan(100);
    expect(Array.from(big)).toEqual(Array.from(embed(small, 0)));
    expect(count(gateMask(grey, zero, zero, W, H, band, pixels))).toBe(0);
  });

  it('is empty when nothing of the band touches the anchor', () => {
    const elsewhere = maskOf((x, y) => y >= 22 && x < 4);
    const gated = gateMask(
      grey,
      maskOf(() => true),
      elsewhere,
      W,
      H,
      band,
      NO_FILTERS,
    );
    expect(count(gated)).toBe(0);
  });
});

describe('gatePixels', () => {
  it('turns the physical lengths into pixels of the slice', () => {
    const params = { ...DEFAULT_GATE_PARAMS, smoothMm: 1.2, openMm: 2.5, growMm: 5, shiftMm: 6 };
    expect(gatePixels(params, 3)).toEqual({
      smoothRadius: 0,
      openRadius: 1,
      growPx: 2,
      shiftPx: 2,
    });
    expect(gatePixels(params, 1)).toEqual({
      smoothRadius: 1,
      openRadius: 3,
      growPx: 5,
      shiftPx: 6,
    });
    // A bad pixel size (from a frame header) counts as 1 mm; a tiny one cannot make lengths endless.
    expect(gatePixels(params, 0)).toEqual(gatePixels(params, 1));
    expect(gatePixels(params, Number.NaN)).toEqual(gatePixels(params, 1));
    expect(gatePixels(params, 1e-9).shiftPx).toBe(MAX_GATE_RADIUS_PX);
  });
});

describe('IntensityGatedStrategy', () => {
  it("learns each object's band from its own seed and gates each object with its own band", async () => {
    // Left half grey 60, right half grey 180; each object's model mask covers its half and a strip
    // of the other one.
    const grey = maskOf((x) => x >= 20).map((v) => (v ? 180 : 60));
    const masks: Record<string, Uint8Array> = {
      dark: maskOf((x) => x < 24),
      bright: maskOf((x) => x >= 16),
    };
    const inner: TrackingStrategy = {
      name: 'scripted',
      observe: (_e, _g, track) =>
        Promise.resolve({
          mask: { width: W, height: H, data: masks[track.objectId]! },
          logits: { width: 4, height: 4, logits: new Float32Array(16) },
          score: 0.5,
          result: {} as DecodeResult,
        }),
    };
    const gated = new IntensityGatedStrategy(inner, 1, { ...DEFAULT_GATE_PARAMS, growMm: 0 });
    const embedding = {} as Embedding;
    const seed = { points: [{ x: 1, y: 1, label: 'positive' as const }] };
    const dark = await gated.observe(embedding, grey, seededTrack('dark', seed));
    const bright = await gated.observe(embedding, grey, seededTrack('bright', seed));
    expect(gated.intensityBand('dark')!.high).toBeLessThan(180);
    expect(gated.intensityBand('bright')!.low).toBeGreaterThan(60);
    expect(gated.intensityBand('other')).toBeUndefined();
    // Each keeps its own half (the mean filter blurs the 1-px edge; the edge is given back).
    expect(count(dark!.mask.data)).toBeGreaterThanOrEqual(20 * H);
    expect(count(dark!.mask.data)).toBeLessThanOrEqual(21 * H);
    expect(count(bright!.mask.data)).toBeGreaterThanOrEqual(20 * H);
    expect(count(bright!.mask.data)).toBeLessThanOrEqual(21 * H);
  });
});
