import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../inference/engine/checksum.ts';
import { isEngineError } from '../inference/engine/errors.ts';
import type { Frame } from '../inference/engine/frame.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import {
  BUILTIN_MANIFEST,
  buildBuiltinModel,
  ensureBuiltinModel,
} from '../models/builtin/build.ts';
import { seededRandom } from '../capture/phantom/seeded-random.ts';
import { createPhantom, phantomStill } from '../capture/phantom/index.ts';
import { farthestInteriorPixel } from '../inference/engine/distance-transform.ts';
import { dice } from '../bench/eval/overlap-metrics.ts';
import { boxPrompt, objectSeed } from '../bench/eval/prompts-from-truth.ts';
import { componentMask, connectedComponents } from '../bench/eval/components.ts';

/** A speckled frame with a dark ellipse; returns the frame and its exact mask. */
function ellipseFrame(
  w: number,
  h: number,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  seed: number,
) {
  const rnd = seededRandom(seed);
  const data = new Uint8Array(w * h);
  const truth = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1;
      truth[y * w + x] = inside ? 1 : 0;
      const base = inside ? 50 : 140;
      data[y * w + x] = Math.max(0, Math.min(255, Math.round(base + 25 * rnd.normal())));
    }
  }
  return { frame: { width: w, height: h, channels: 1, data } satisfies Frame, truth };
}

describe('built-in model', () => {
  let model: ModelPair;
  beforeAll(async () => {
    model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 2 });
  });
  afterAll(() => model.close());

  it('is generated reproducibly: the build matches the committed manifest checksums', () => {
    const a = buildBuiltinModel();
    const b = buildBuiltinModel();
    expect(sha256Bytes(a.encoder)).toBe(sha256Bytes(b.encoder));
    const committed = JSON.parse(readFileSync(BUILTIN_MANIFEST, 'utf8')) as typeof a.manifest;
    expect(a.manifest).toEqual(committed);
  });

  it('segments a dark ellipse from one point and from a box', async () => {
    const { frame, truth } = ellipseFrame(320, 240, 150, 130, 60, 40, 11);
    const emb = await model.encode(frame);
    const fromPoint = await model.decode(emb, { points: [{ x: 150, y: 130, label: 'positive' }] });
    expect(fromPoint.mask.width).toBe(320);
    expect(dice(fromPoint.mask.data, truth)).toBeGreaterThan(0.85);
    const fromBox = await model.decode(emb, {
      points: [],
      box: { x0: 75, y0: 75, x1: 230, y1: 185 },
    });
    expect(dice(fromBox.mask.data, truth)).toBeGreaterThan(0.85);
    expect(fromPoint.modelId).toBe('builtin');
    expect(fromPoint.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fromPoint.lowResLogits.logits.length).toBe(
      fromPoint.lowResLogits.width * fromPoint.lowResLogits.height,
    );
  });

  it('a negative click pulls the contour in, a positive click pushes it out', async () => {
    const { frame } = ellipseFrame(256, 256, 128, 128, 50, 50, 3);
    const emb = await model.encode(frame);
    const base = await model.decode(emb, { points: [{ x: 128, y: 128, label: 'positive' }] });
    const area = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
    const withNeg = await model.decode(emb, {
      points: [
        { x: 128, y: 128, label: 'positive' },
        { x: 128 + 35, y: 128, label: 'negative' },
      ],
    });
    expect(withNeg.mask.data[128 * 256 + 128 + 36]).toBe(0);
    expect(area(withNeg.mask.data)).toBeLessThan(area(base.mask.data));
    const withPos = await model.decode(emb, {
      points: [
        { x: 128, y: 128, label: 'positive' },
        { x: 128, y: 128 + 70, label: 'positive' },
      ],
    });
    expect(withPos.mask.data[(128 + 69) * 256 + 128]).toBe(1);
  });

  it('scores an object with a clear boundary above a prompt on featureless noise', async () => {
    const { frame } = ellipseFrame(256, 256, 128, 128, 50, 40, 5);
    const noise = ellipseFrame(256, 256, 128, 128, 0.1, 0.1, 6).frame;
    const good = await model.decode(await model.encode(frame), {
      points: [{ x: 128, y: 128, label: 'positive' }],
    });
    const bad = await model.decode(await model.encode(noise), {
      points: [{ x: 128, y: 128, label: 'positive' }],
    });
    expect(good.score).toBeGreaterThan(bad.score);
  });

  it('a tap on a mildly hypoechoic organ stops at its boundary, not at the edge of the sector', async () => {
    // Phantom seed 101, frame 0: the organ (label 1) is about 7 dB darker than the tissue around it.
    // Before the bound penalty its contour ran on to the sector's edge (Dice 0.14, 13× its area).
    const still = phantomStill(101);
    const truth = Uint8Array.from(still.labels, (l) => (l === 1 ? 1 : 0));
    const deepest = farthestInteriorPixel(truth, still.width, still.height)!;
    const frame: Frame = {
      width: still.width,
      height: still.height,
      channels: 1,
      data: still.image,
    };
    const r = await model.decode(await model.encode(frame), {
      points: [{ x: deepest.col + 0.5, y: deepest.row + 0.5, label: 'positive' }],
    });
    const area = r.mask.data.reduce((a, b) => a + b, 0);
    const truthArea = truth.reduce((a, b) => a + b, 0);
    expect(area).toBeLessThan(1.5 * truthArea);
    expect(dice(r.mask.data, truth)).toBeGreaterThan(0.7);
  });

  it('a loose box around an organ, centred on a vessel inside it, gives the organ', async () => {
    // Phantom check seed 707, frame 60: the box `npm run eval -- --prompt box --box-jitter 0.4`
    // draws around the organ (label 1); its centre lies on a vessel inside the organ. With a small
    // centre sample (30 % of the box) the vessel was taken for the interior: Dice 0.04.
    const f = createPhantom({ seed: 707 }).frame(60);
    // The evaluation's own path: object 0 of the label image, its loosened box.
    const [organ] = connectedComponents({
      width: f.width,
      height: f.height,
      labels: Uint32Array.from(f.labels),
    });
    expect(organ?.label).toBe(1);
    const truth = componentMask(organ!, f.width, f.height);
    const box = boxPrompt(organ!, f.width, f.height, 0.4, objectSeed(1, 'phantom-707-00060.png#0'));
    const centre =
      f.labels[Math.floor((box.y0 + box.y1) / 2) * f.width + Math.floor((box.x0 + box.x1) / 2)];
    expect(centre).not.toBe(1);
    const frame: Frame = { width: f.width, height: f.height, channels: 1, data: f.image };
    const r = await model.decode(await model.encode(frame), { points: [], box });
    expect(dice(r.mask.data, truth)).toBeGreaterThan(0.6);
  });

  it('refuses a build directory whose manifest the builder cannot reproduce', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'builtin-'));
    const manifest = JSON.parse(readFileSync(BUILTIN_MANIFEST, 'utf8')) as {
      files: { encoder: { sha256: string } };
    };
    manifest.files.encoder.sha256 = '0'.repeat(64);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    try {
      await expect(ensureBuiltinModel(dir)).rejects.toSatisfy((e: unknown) =>
        isEngineError(e, 'MODEL_BUILD_FAILED'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
