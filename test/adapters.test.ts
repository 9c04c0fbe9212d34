/**
 * The SAM-family adapters end to end on generated, signature-identical toy models
 * (test/fixtures/sam-family-models.ts): import → ModelPair.open → encode → decode. The toy encoder
 * exposes the preprocessed image (16×16 pools in embedding channels 0–2) and the toy decoder draws
 * a disc / the box around the prompt in model-input pixels, so coordinate mapping, padding,
 * normalisation, stretch vs longest side and mask selection are all visible in the results.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../inference/engine/frame.ts';
import type { BinaryMask } from '../inference/engine/mask.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import type { Prompt } from '../inference/engine/prompts.ts';
import type { Embedding } from '../inference/engine/types.ts';
import { importModel, type ImportFamily, type MaskSource } from '../models/import-model.ts';
import {
  NEGATIVE_RADIUS,
  SAM_PIXEL_MEAN,
  SAM_PIXEL_STD,
  TOY_RADIUS,
  TOY_ENCODER_INPUT,
  writeToyPair,
  type ToyDecoderOptions,
  type ToyVariant,
} from './fixtures/sam-family-models.ts';

const SESSION = { executionProviders: ['cpu'], intraOpThreads: 1 } as const;
const MULTI: { scores: readonly number[]; growth: readonly number[] } = {
  scores: [0.42, 0.61, 0.93, 0.77],
  growth: [0, -24, 32, 12],
};

interface Case {
  readonly id: string;
  readonly variant: ToyVariant;
  readonly family: ImportFamily;
  readonly maskSource?: MaskSource;
  readonly decoder?: ToyDecoderOptions;
}

const CASES: readonly Case[] = [
  { id: 'sam', variant: 'sam', family: 'sam' },
  { id: 'sam-masks', variant: 'sam', family: 'sam', maskSource: 'masks' },
  { id: 'mobilesam', variant: 'mobilesam', family: 'mobilesam' },
  { id: 'samexporter', variant: 'samexporter', family: 'sam' },
  { id: 'medsam', variant: 'medsam', family: 'medsam' },
  { id: 'mobilesam-multi', variant: 'mobilesam', family: 'mobilesam', decoder: MULTI },
  {
    id: 'sam-multi-masks',
    variant: 'sam',
    family: 'sam',
    maskSource: 'masks',
    decoder: MULTI,
  },
];

let tmp: string;
const models = new Map<string, { pair: ModelPair; modelSha256: string; files: string[] }>();

function model(id: string): ModelPair {
  const m = models.get(id);
  if (!m) throw new Error(`model ${id} not set up`);
  return m.pair;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'adapters-'));
  for (const c of CASES) {
    const src = writeToyPair(join(tmp, 'src'), c.variant, c.decoder ?? {}, c.id);
    const result = await importModel({
      encoderPath: src.encoder,
      decoderPath: src.decoder,
      family: c.family,
      id: c.id,
      modelsDir: join(tmp, 'models'),
      ...(c.maskSource ? { maskSource: c.maskSource } : {}),
      session: SESSION,
    });
    const pair = await ModelPair.open(result.manifestPath, SESSION);
    models.set(c.id, {
      pair,
      modelSha256: result.modelSha256,
      files: [src.encoder, src.decoder],
    });
  }
});

afterAll(async () => {
  await Promise.all([...models.values()].map((m) => m.pair.close()));
  rmSync(tmp, { recursive: true, force: true });
});

/** RGB frame: left of `split` one colour, right of it another. */
const LEFT = [200, 100, 30] as const;
const RIGHT = [50, 150, 250] as const;
function twoToneFrame(width: number, height: number, split = width / 2): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = x < split ? LEFT : RIGHT;
      data.set(c, (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

function stats(mask: BinaryMask) {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (!mask.data[y * mask.width + x]) continue;
      n += 1;
      sx += x + 0.5;
      sy += y + 0.5;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  return { area: n, cx: sx / n, cy: sy / n, x0, y0, x1, y1 };
}

const at = (mask: BinaryMask, x: number, y: number) =>
  mask.data[Math.floor(y) * mask.width + Math.floor(x)];

/** Model-input pixels per original pixel, per axis. */
function scales(id: string, w: number, h: number): { sx: number; sy: number } {
  if (id === 'medsam') return { sx: 1024 / w, sy: 1024 / h };
  const s = 1024 / Math.max(w, h);
  return { sx: s, sy: s };
}

/** Embedding channel c at grid cell (gx, gy). */
function cell(e: Embedding, c: number, gx: number, gy: number): number {
  const t = e.tensors.image_embeddings;
  if (!t) throw new Error('no image_embeddings');
  return t.data[c * 64 * 64 + gy * 64 + gx]!;
}

const SIZES = [
  [640, 480],
  [300, 700],
  [1280, 720],
] as const;
const SINGLE = ['sam', 'sam-masks', 'mobilesam', 'samexporter', 'medsam'] as const;

describe('SAM-family adapters on signature-identical toy models', () => {
  it('imports each family with its preprocessing, reading the encoder input name from the file', () => {
    const pre = (id: string) => model(id).manifest.preprocess;
    expect(pre('sam')).toMatchObject({ resize: 'longest-side', pad: true, layout: 'NCHW' });
    expect(pre('sam').normalize).toEqual({
      kind: 'mean-std',
      mean: [...SAM_PIXEL_MEAN],
      std: [...SAM_PIXEL_STD],
    });
    expect(pre('mobilesam')).toEqual(pre('sam'));
    expect(pre('samexporter')).toMatchObject({
      resize: 'longest-side',
      pad: false,
      layout: 'HWC',
      normalize: { kind: 'none' },
    });
    expect(pre('medsam')).toMatchObject({
      resize: 'stretch',
      layout: 'NCHW',
      normalize: { kind: 'min-max' },
    });
    expect(model('medsam').manifest.output.maskSource).toBe('low_res_masks');
    expect(model('sam-masks').manifest.output.maskSource).toBe('masks');
    expect(model('sam').manifest.encoder.inputs[0]!.name).toBe(TOY_ENCODER_INPUT.sam);
    expect(model('mobilesam').manifest.encoder.inputs[0]!.name).toBe(TOY_ENCODER_INPUT.mobilesam);
    expect(model('samexporter').manifest.encoder.inputs[0]!.name).toBe('input_image');
    expect(model('medsam').manifest.encoder.inputs[0]!.name).toBe(TOY_ENCODER_INPUT.medsam);
  });

  for (const id of SINGLE) {
    for (const [w, h] of SIZES) {
      it(`${id}: a point at image (x, y) gives a mask centred at (x, y) on ${w}×${h}`, async () => {
        const m = model(id);
        const emb = await m.encode(twoToneFrame(w, h));
        const { sx, sy } = scales(id, w, h);
        for (const [fx, fy] of [
          [0.35, 0.6],
          [0.7, 0.3],
        ] as const) {
          const x = fx * w;
          const y = fy * h;
          const r = await m.decode(emb, { points: [{ x, y, label: 'positive' }] });
          expect(r.mask.width).toBe(w);
          expect(r.mask.height).toBe(h);
          const s = stats(r.mask);
          expect(Math.abs(s.cx - x)).toBeLessThan(1.5);
          expect(Math.abs(s.cy - y)).toBeLessThan(1.5);
          // A disc of TOY_RADIUS model pixels: an ellipse with these semi-axes in image pixels.
          const expected = Math.PI * (TOY_RADIUS / sx) * (TOY_RADIUS / sy);
          expect(s.area / expected).toBeGreaterThan(0.95);
          expect(s.area / expected).toBeLessThan(1.05);
          expect(Math.abs(s.x1 - s.x0 - (2 * TOY_RADIUS) / sx)).toBeLessThan(2.5);
          expect(Math.abs(s.y1 - s.y0 - (2 * TOY_RADIUS) / sy)).toBeLessThan(2.5);
          expect(r.score).toBeCloseTo(0.9, 5);
        }
      });
    }

    it(`${id}: a box prompt (labels 2 and 3, no padding point) gives the box`, async () => {
      const m = model(id);
      const [w, h] = [300, 700];
      const emb = await m.encode(twoToneFrame(w, h));
      const box = { x0: 40.5, y0: 120, x1: 221, y1: 333.5 };
      const r = await m.decode(emb, { points: [], box });
      const s = stats(r.mask);
      expect(Math.abs(s.x0 - box.x0)).toBeLessThan(2);
      expect(Math.abs(s.x1 - box.x1)).toBeLessThan(2);
      expect(Math.abs(s.y0 - box.y0)).toBeLessThan(2);
      expect(Math.abs(s.y1 - box.y1)).toBeLessThan(2);
    });

    it(`${id}: a negative point carves its neighbourhood out of the mask`, async () => {
      const m = model(id);
      const [w, h] = [640, 480];
      const emb = await m.encode(twoToneFrame(w, h));
      const pos = { x: 300, y: 200, label: 'positive' } as const;
      const { sx, sy } = scales(id, w, h);
      const neg = { x: 300 + (0.6 * TOY_RADIUS) / sx, y: 200, label: 'negative' } as const;
      const alone = await m.decode(emb, { points: [pos] });
      const carved = await m.decode(emb, { points: [pos, neg] });
      expect(at(alone.mask, neg.x, neg.y)).toBe(1);
      expect(at(carved.mask, neg.x, neg.y)).toBe(0);
      expect(at(carved.mask, pos.x, pos.y)).toBe(1);
      const removed = stats(alone.mask).area - stats(carved.mask).area;
      const hole = Math.PI * (NEGATIVE_RADIUS / sx) * (NEGATIVE_RADIUS / sy);
      expect(removed).toBeGreaterThan(0.5 * hole);
    });
  }

  it('the masks output and the engine-upsampled low_res_masks agree (SAM geometry)', async () => {
    for (const [w, h] of SIZES) {
      const frame = twoToneFrame(w, h);
      const prompt: Prompt = { points: [{ x: 0.4 * w, y: 0.55 * h, label: 'positive' }] };
      const a = await model('sam').decode(await model('sam').encode(frame), prompt);
      const b = await model('sam-masks').decode(await model('sam-masks').encode(frame), prompt);
      let inter = 0;
      let union = 0;
      for (let i = 0; i < a.mask.data.length; i++) {
        inter += a.mask.data[i]! & b.mask.data[i]!;
        union += a.mask.data[i]! | b.mask.data[i]!;
      }
      expect(inter / union).toBeGreaterThan(0.97);
    }
  });

  it('SAM-style NCHW embedding: normalised with SAM mean/std, zero padding at the bottom (landscape)', async () => {
    const emb = await model('sam').encode(twoToneFrame(640, 480));
    // 640×480 → 1024×768: grid rows 0–47 hold the image, rows 48–63 the padding.
    for (let c = 0; c < 3; c++) {
      expect(cell(emb, c, 5, 10)).toBeCloseTo(
        (LEFT[c]! - SAM_PIXEL_MEAN[c]!) / SAM_PIXEL_STD[c]!,
        4,
      );
      expect(cell(emb, c, 50, 40)).toBeCloseTo(
        (RIGHT[c]! - SAM_PIXEL_MEAN[c]!) / SAM_PIXEL_STD[c]!,
        4,
      );
      expect(cell(emb, c, 5, 47)).toBeCloseTo(
        (LEFT[c]! - SAM_PIXEL_MEAN[c]!) / SAM_PIXEL_STD[c]!,
        4,
      );
      for (const gy of [48, 55, 63])
        for (const gx of [0, 31, 63]) expect(cell(emb, c, gx, gy)).toBe(0);
    }
    expect(emb.tensors.image_embeddings!.dims).toEqual([1, 256, 64, 64]);
  });

  it('SAM-style NCHW embedding: zero padding on the right (portrait)', async () => {
    const emb = await model('mobilesam').encode(twoToneFrame(300, 700));
    // 300×700 → 439×1024: grid columns 0–26 hold the image, 27 is partly image, 28–63 padding.
    const left = (LEFT[0] - SAM_PIXEL_MEAN[0]) / SAM_PIXEL_STD[0];
    const right = (RIGHT[0] - SAM_PIXEL_MEAN[0]) / SAM_PIXEL_STD[0];
    expect(cell(emb, 0, 3, 63)).toBeCloseTo(left, 4);
    expect(cell(emb, 0, 24, 0)).toBeCloseTo(right, 4);
    expect(cell(emb, 0, 27, 30)).toBeCloseTo((right * 7) / 16, 3);
    for (const gx of [28, 40, 63])
      for (const gy of [0, 30, 63]) expect(cell(emb, 0, gx, gy)).toBe(0);
  });

  it('samexporter-style encoder (raw HWC, preprocessing in the graph) gives the SAM embedding', async () => {
    for (const [w, h] of SIZES) {
      const frame = twoToneFrame(w, h, w / 3);
      const a = (await model('sam').encode(frame)).tensors.image_embeddings!.data;
      const b = (await model('samexporter').encode(frame)).tensors.image_embeddings!.data;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst).toBeLessThan(1e-4);
      expect(Math.max(...a.subarray(0, 4096).map(Math.abs))).toBeGreaterThan(1);
    }
  });

  it('MedSAM embedding: stretched to 1024×1024 (no padding) and min-max normalised to [0, 1]', async () => {
    const emb = await model('medsam').encode(twoToneFrame(300, 700));
    // Values over all channels run from 30 to 250; the left half fills grid columns 0–31.
    const lo = 30;
    const range = 250 - 30;
    for (let c = 0; c < 3; c++) {
      for (const gy of [0, 40, 63]) {
        expect(cell(emb, c, 2, gy)).toBeCloseTo((LEFT[c]! - lo) / range, 4);
        expect(cell(emb, c, 29, gy)).toBeCloseTo((LEFT[c]! - lo) / range, 4);
        expect(cell(emb, c, 34, gy)).toBeCloseTo((RIGHT[c]! - lo) / range, 4);
        expect(cell(emb, c, 63, gy)).toBeCloseTo((RIGHT[c]! - lo) / range, 4);
      }
    }
  });

  it('results carry the model id and sha256 over "<encoder sha256>\\n<decoder sha256>"', async () => {
    for (const [id, m] of models) {
      const [enc, dec] = m.files.map((f) =>
        createHash('sha256').update(readFileSync(f)).digest('hex'),
      );
      const expected = createHash('sha256').update(`${enc}\n${dec}`).digest('hex');
      expect(m.modelSha256).toBe(expected);
      const emb = await m.pair.encode(twoToneFrame(64, 48));
      const r = await m.pair.decode(emb, { points: [{ x: 30, y: 20, label: 'positive' }] });
      expect([emb.modelId, r.modelId]).toEqual([id, id]);
      expect([emb.modelSha256, r.modelSha256]).toEqual([expected, expected]);
    }
  });

  for (const id of ['mobilesam-multi', 'sam-multi-masks']) {
    it(`${id}: with 4 masks and scores the best-scoring mask is returned`, async () => {
      const m = model(id);
      const [w, h] = [640, 480];
      const emb = await m.encode(twoToneFrame(w, h));
      const r = await m.decode(emb, { points: [{ x: 320, y: 240, label: 'positive' }] });
      expect(r.score).toBeCloseTo(0.93, 5);
      const best = MULTI.scores.indexOf(Math.max(...MULTI.scores));
      const s = 1024 / Math.max(w, h);
      const area = stats(r.mask).area;
      const expected = Math.PI * ((TOY_RADIUS + MULTI.growth[best]!) / s) ** 2;
      expect(area / expected).toBeGreaterThan(0.95);
      expect(area / expected).toBeLessThan(1.05);
      // The low-resolution logits handed back are the chosen mask's: peak = radius + growth.
      const peak = Math.max(...r.lowResLogits.logits);
      expect(peak).toBeGreaterThan(TOY_RADIUS + MULTI.growth[best]! - 4);
      expect(r.lowResLogits.logits.length).toBe(256 * 256);
    });
  }
});
