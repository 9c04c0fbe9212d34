import { describe, expect, it } from 'vitest';
import { disc } from './support/masks.ts';
import { scriptedSegmenter } from './support/scripted-segmenter.ts';
import type { DecodeResult, Embedding, Segmenter } from '../inference/engine/types.ts';
import type { Prompt } from '../inference/engine/prompts.ts';
import { seededRandom } from '../capture/phantom/index.ts';
import { estimateShift, movedSighting } from '../inference/tracking/motion-estimate.ts';
import { boxMeans, regionSums } from '../inference/tracking/region-sums.ts';
import { expandBox, interiorPoint, summarizeMask } from '../inference/tracking/mask-geometry.ts';
import {
  seededTrack,
  type ObjectTrack,
  type Sighting,
} from '../inference/tracking/object-track.ts';
import { PromptPropagation } from '../inference/tracking/prompt-propagation.ts';
import { measureAppearance } from '../inference/tracking/appearance.ts';
import { assessObservation } from '../inference/tracking/track-quality.ts';
import { DEFAULT_TRACKING_PARAMS as P } from '../inference/tracking/tracking-params.ts';

const W = 128;
const H = 112;

/** A dark disc (grey 30) on speckle-like noise (grey 70–130), fresh noise for every frame. */
function frame(cx: number, cy: number, r: number, seed: number): Uint8Array {
  const rng = seededRandom(seed);
  const g = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r;
      g[y * W + x] = Math.round((inside ? 30 : 100) + (rng.next() - 0.5) * 60);
    }
  return g;
}

const discMask = (cx: number, cy: number, r: number) => disc(W, H, cx, cy, r);

/** Logits on a 32×28 grid (4 px per cell) with one positive cell at (cx, cy). */
const peakLogits = (cx: number, cy: number) => {
  const logits = new Float32Array(32 * 28).fill(-5);
  logits[cy * 32 + cx] = 5;
  return { width: 32, height: 28, logits };
};

function sightingOf(cx: number, cy: number, r: number, grey: Uint8Array): Sighting {
  const mask = discMask(cx, cy, r);
  const s = summarizeMask(mask);
  return {
    mask,
    logits: peakLogits(Math.floor(cx / 4), Math.floor(cy / 4)),
    area: s.area,
    box: s.box!,
    centroid: s.centroid!,
    interior: interiorPoint(mask, s.box)!,
    appearance: undefined,
    borderShare: 0,
    grey,
  };
}

/** An object being tracked, last seen (well) as `last`. */
const trackedFrom = (last: Sighting, more: Partial<ObjectTrack> = {}): ObjectTrack => ({
  ...seededTrack('disc', { points: [] }),
  seed: undefined,
  state: 'tracking',
  last,
  lastGood: last,
  ...more,
});

describe('motion estimate', () => {
  it("finds an object's shift between two frames through fresh speckle", () => {
    const before = frame(50, 56, 14, 1);
    const box = summarizeMask(discMask(50, 56, 14)).box!;
    for (const [dx, dy] of [
      [6, -4],
      [-3, 7],
      [0, 0],
    ] as const) {
      const after = frame(50 + dx, 56 + dy, 14, 2);
      const shift = estimateShift(before, after, W, H, box, { reachPx: 8, blurPx: 3 });
      expect(Math.abs(shift.dx - dx)).toBeLessThanOrEqual(1);
      expect(Math.abs(shift.dy - dy)).toBeLessThanOrEqual(1);
    }
    // No reach, no shift.
    const after = frame(56, 52, 14, 2);
    expect(estimateShift(before, after, W, H, box, { reachPx: 0, blurPx: 3 })).toEqual({
      dx: 0,
      dy: 0,
    });
  });

  it('picks the shift a full scan of every candidate picks (early exits change no answer)', () => {
    // The reference: box means by direct window sums, each candidate's mean absolute difference
    // over every sample, the same candidate order and tie rule.
    const reference = (
      a: Uint8Array,
      b: Uint8Array,
      box: { x0: number; y0: number; x1: number; y1: number },
      reach: number,
      blur: number,
    ) => {
      const mean = (img: Uint8Array, x: number, y: number) => {
        let s = 0;
        let n = 0;
        for (let yy = Math.max(0, y - blur); yy <= Math.min(H - 1, y + blur); yy++)
          for (let xx = Math.max(0, x - blur); xx <= Math.min(W - 1, x + blur); xx++) {
            s += img[yy * W + xx]!;
            n++;
          }
        return Math.fround(s / n);
      };
      const x0 = Math.max(0, box.x0 - 6);
      const y0 = Math.max(0, box.y0 - 6);
      const x1 = Math.min(W, box.x1 + 6);
      const y1 = Math.min(H, box.y1 + 6);
      const [sx0, sy0] = [Math.max(0, x0 - reach), Math.max(0, y0 - reach)];
      const [sx1, sy1] = [Math.min(W, x1 + reach), Math.min(H, y1 + reach)];
      const step = Math.max(1, Math.ceil(Math.sqrt(((x1 - x0) * (y1 - y0)) / 1500)));
      const pts: [number, number, number][] = [];
      for (let y = y0; y < y1; y += step)
        for (let x = x0; x < x1; x += step) {
          const v = mean(a, x, y);
          if (v > 2) pts.push([x, y, v]);
        }
      const cost = (dx: number, dy: number) => {
        let t = 0;
        let n = 0;
        for (const [x, y, v] of pts) {
          if (y + dy < sy0 || y + dy >= sy1 || x + dx < sx0 || x + dx >= sx1) continue;
          t += Math.abs(v - mean(b, x + dx, y + dy));
          n++;
        }
        return n > 0 && 2 * n >= pts.length ? t / n : Infinity;
      };
      let best = { dx: 0, dy: 0 };
      let bestCost = cost(0, 0);
      const consider = (dx: number, dy: number) => {
        const c = cost(dx, dy);
        if (c < bestCost) [best, bestCost] = [{ dx, dy }, c];
      };
      for (let dy = -reach; dy <= reach; dy += 2)
        for (let dx = -reach; dx <= reach; dx += 2) consider(dx, dy);
      const coarse = best;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) consider(coarse.dx + dx, coarse.dy + dy);
      return best;
    };
    const rng = seededRandom(5);
    for (let k = 0; k < 12; k++) {
      const [cx, cy, r] = [20 + rng.next() * 88, 20 + rng.next() * 72, 6 + rng.next() * 16];
      const before = frame(cx, cy, r, 10 + k);
      const after = frame(cx + rng.next() * 12 - 6, cy + rng.next() * 12 - 6, r, 40 + k);
      const box = summarizeMask(discMask(cx, cy, r)).box!;
      expect(estimateShift(before, after, W, H, box, { reachPx: 8, blurPx: 3 })).toEqual(
        reference(before, after, box, 8, 3),
      );
    }
  });

  it("moves a sighting's point, centroid and box, and keeps its mask and mask prior", () => {
    const s = sightingOf(50, 56, 14, frame(50, 56, 14, 1));
    const m = movedSighting(s, { dx: 8, dy: -4 }, W, H);
    expect(m.mask).toBe(s.mask);
    expect(m.logits).toBe(s.logits);
    expect(m.interior).toEqual({ x: s.interior.x + 8, y: s.interior.y - 4 });
    expect(m.centroid.x).toBeCloseTo(s.centroid.x + 8);
    expect(m.box).toEqual({
      x0: s.box.x0 + 8,
      y0: s.box.y0 - 4,
      x1: s.box.x1 + 8,
      y1: s.box.y1 - 4,
    });
    // Clipped to the image.
    expect(movedSighting(s, { dx: 100, dy: 0 }, W, H).box.x1).toBe(W);
    expect(movedSighting(s, { dx: 0, dy: 0 }, W, H)).toBe(s);
  });
});

describe('motion compensation in prompt propagation', () => {
  const embedding = { imageWidth: W, imageHeight: H } as Embedding;
  // Records each prompt and answers with the disc where it is on the new frame.
  const recorder = (): Segmenter & { prompts: Prompt[] } => {
    const s = {
      modelId: 'recording',
      modelSha256: '',
      prompts: [] as Prompt[],
      encode: () => Promise.reject(new Error('not used')),
      decode: (_e: Embedding, prompt: Prompt) => {
        s.prompts.push(prompt);
        return Promise.resolve({
          mask: discMask(56, 52, 14),
          score: 0.8,
          lowResLogits: peakLogits(14, 13),
        } as unknown as DecodeResult);
      },
    };
    return s;
  };
  const before = frame(50, 56, 14, 1);
  const after = frame(56, 52, 14, 2);
  const last = sightingOf(50, 56, 14, before);
  const tracked = trackedFrom(last);

  it('re-places the point (and the box) where the object moved to', async () => {
    const m = recorder();
    await new PromptPropagation(m, P).observe(embedding, after, tracked);
    const [prompt] = m.prompts;
    const point = prompt!.points[0]!;
    expect(Math.abs(point.x - (last.interior.x + 6))).toBeLessThanOrEqual(1);
    expect(Math.abs(point.y - (last.interior.y - 4))).toBeLessThanOrEqual(1);
    expect(prompt!.previousMask).toBe(last.logits);
    // A SAM-family prompt's box moved with it too.
    const sam = recorder();
    await new PromptPropagation(sam, { ...P, useBox: true }).observe(embedding, after, tracked);
    const box = sam.prompts[0]!.box!;
    const grown = expandBox(last.box, P.boxMargin, P.boxPadPx, W, H);
    expect(Math.abs(box.x0 - (grown.x0 + 6))).toBeLessThanOrEqual(1);
    expect(Math.abs(box.y1 - (grown.y1 - 4))).toBeLessThanOrEqual(1);
  });

  it('leaves the prompt as it was without motion compensation, or on the same frame', async () => {
    const off = recorder();
    await new PromptPropagation(off, { ...P, motionReachPx: 0 }).observe(embedding, after, tracked);
    expect(off.prompts[0]!.points[0]).toMatchObject(last.interior);
    const same = recorder();
    await new PromptPropagation(same, P).observe(embedding, before, tracked);
    expect(same.prompts[0]!.points[0]).toMatchObject(last.interior);
  });
});

describe('re-centring a weakly scored object', () => {
  const embedding = { imageWidth: W, imageHeight: H } as Embedding;
  const grey = frame(56, 52, 14, 3);
  const object = discMask(56, 52, 14);
  // What the re-placed point gives: the mask slid half a radius off the dark disc, over tissue.
  const slid = discMask(64, 52, 14);
  const last = sightingOf(56, 52, 14, grey);
  const objectBox = summarizeMask(object).box!;
  const tracked = trackedFrom(last, {
    reference: {
      area: summarizeMask(object).area,
      appearance: measureAppearance(grey, object, objectBox),
      samples: P.warmupFrames,
    },
  });
  // Answers the re-placed point with the slid mask and any other point with the object.
  const model = (score: number) =>
    scriptedSegmenter((prompt) => {
      const p = prompt.points[0]!;
      const atPoint = Math.hypot(p.x - last.interior.x, p.y - last.interior.y) < 1;
      return { mask: atPoint ? slid : object, score, lowResLogits: peakLogits(14, 13) };
    });

  it('takes the probe whose mask looks like the object when the answer scores weakly', async () => {
    const weak = model(0.1);
    const seen = await new PromptPropagation(weak, P).observe(embedding, grey, tracked);
    expect(seen!.mask).toBe(object);
    expect(weak.calls).toBe(1 + P.recentreProbes);
  });

  it('does not move onto ground a neighbour of its size shows', async () => {
    // A neighbour overlapping the object's left side: the probe's mask would take more of it than
    // the first answer does.
    const neighbourMask = discMask(44, 52, 14);
    const n = summarizeMask(neighbourMask);
    const neighbour = {
      mask: neighbourMask,
      area: n.area,
      box: n.box!,
      interior: interiorPoint(neighbourMask, n.box)!,
    };
    const weak = model(0.1);
    const seen = await new PromptPropagation(weak, P).observe(embedding, grey, tracked, [
      neighbour,
    ]);
    expect(seen!.mask).toBe(slid);
    expect(weak.calls).toBe(1 + P.recentreProbes);
  });

  it('keeps the first answer when a probe cannot be decoded', async () => {
    const failing = scriptedSegmenter((prompt) => {
      const p = prompt.points[0]!;
      if (Math.hypot(p.x - last.interior.x, p.y - last.interior.y) >= 1) {
        throw new Error('probe failed');
      }
      return { mask: slid, score: 0.1, lowResLogits: peakLogits(14, 13) };
    });
    const seen = await new PromptPropagation(failing, P).observe(embedding, grey, tracked);
    expect(seen!.mask).toBe(slid);
    expect(failing.calls).toBe(1 + P.recentreProbes);
  });

  /** A strategy over a weakly scoring model that records the first point of every decode. */
  const recording = () => {
    const points: { x: number; y: number }[] = [];
    const weak = scriptedSegmenter((prompt) => {
      points.push(prompt.points[0]!);
      return { mask: slid, score: 0.1, lowResLogits: peakLogits(14, 13) };
    });
    return { points, strategy: new PromptPropagation(weak, P) };
  };

  it("turns each object's probes on their own: another object's probes do not move them", async () => {
    const probesOnSecondLook = async (otherProbesBetween: boolean) => {
      const { points, strategy } = recording();
      await strategy.observe(embedding, grey, tracked);
      if (otherProbesBetween) {
        await strategy.observe(embedding, grey, { ...tracked, objectId: 'other' });
      }
      points.length = 0;
      await strategy.observe(embedding, grey, tracked);
      return points;
    };
    const alone = await probesOnSecondLook(false);
    expect(alone).toHaveLength(1 + P.recentreProbes);
    expect(await probesOnSecondLook(true)).toEqual(alone);
  });

  it('starts the turn afresh for an object it was told to forget (removed or re-prompted)', async () => {
    const { points, strategy } = recording();
    await strategy.observe(embedding, grey, tracked);
    const first = points.splice(0);
    await strategy.observe(embedding, grey, tracked);
    expect(points.splice(0)).not.toEqual(first);
    strategy.forget(tracked.objectId);
    await strategy.observe(embedding, grey, tracked);
    expect(points).toEqual(first);
  });

  it('probes neither a well-scored answer, nor with re-centring off, nor before the reference is learnt', async () => {
    const strong = model(P.scoreGood);
    expect((await new PromptPropagation(strong, P).observe(embedding, grey, tracked))!.mask).toBe(
      slid,
    );
    expect(strong.calls).toBe(1);
    const off = model(0.1);
    const seen = await new PromptPropagation(off, { ...P, recentreRadii: 0 }).observe(
      embedding,
      grey,
      tracked,
    );
    expect(seen!.mask).toBe(slid);
    expect(off.calls).toBe(1);
    const early = model(0.1);
    const warming = { ...tracked, reference: { ...tracked.reference!, samples: 1 } };
    expect((await new PromptPropagation(early, P).observe(embedding, grey, warming))!.mask).toBe(
      slid,
    );
    expect(early.calls).toBe(1);
  });
});

describe('the reference while it warms up', () => {
  const appearance = { inside: 40, around: 100, contrast: 0.42 };
  const seen = {
    area: 2300,
    score: 0.6,
    overlap: 0.6,
    shiftRadii: undefined,
    appearance,
    borderShare: 0,
  };
  it('judges a size change loosely against the first masks after a seed, strictly after', () => {
    // The seed's mask was a part of the object: the whole object is 2.3 times its size.
    const warming = { area: 1000, appearance, samples: 3 };
    expect(assessObservation(seen, warming, W * H * 4, P).verdict).not.toBe('bad');
    const settled = { ...warming, samples: P.warmupFrames };
    expect(assessObservation(seen, settled, W * H * 4, P)).toMatchObject({
      verdict: 'bad',
      reason: 'area-change',
    });
    expect(
      assessObservation(seen, warming, W * H * 4, { ...P, warmupAreaLooseness: 1 }).verdict,
    ).toBe('bad');
  });
});

describe('region sums', () => {
  it('sums and counts any rectangle of a region as a plain scan does, clipped to the region', () => {
    const rng = seededRandom(7);
    const img = Uint8Array.from({ length: W * H }, () => Math.floor(rng.next() * 256));
    const region = { x0: 10, y0: 20, w: 40, h: 30 };
    const sums = regionSums(img, W, region);
    const darks = regionSums(img, W, region, 49);
    for (const [ax, ay, bx, by] of [
      [0, 0, 40, 30],
      [3, 5, 17, 9],
      [-6, -4, 8, 12],
      [35, 25, 60, 50],
      [5, 5, 5, 9],
    ] as const) {
      let sum = 0;
      let dark = 0;
      let area = 0;
      for (let y = Math.max(0, ay); y < Math.min(30, by); y++)
        for (let x = Math.max(0, ax); x < Math.min(40, bx); x++) {
          const v = img[(20 + y) * W + 10 + x]!;
          sum += v;
          dark += v < 50 ? 1 : 0;
          area++;
        }
      expect(sums.sum(ax, ay, bx, by)).toBe(sum);
      expect(darks.sum(ax, ay, bx, by)).toBe(dark);
      expect(sums.area(ax, ay, bx, by)).toBe(area);
    }
  });

  it('box-filters a region as a plain scan of each window clipped to the image does', () => {
    const rng = seededRandom(11);
    const img = Uint8Array.from({ length: W * H }, () => Math.floor(rng.next() * 256));
    // Regions inside the image and across each of its edges.
    for (const region of [
      { x0: 10, y0: 20, w: 40, h: 30 },
      { x0: 0, y0: 0, w: 12, h: 9 },
      { x0: W - 7, y0: H - 5, w: 7, h: 5 },
    ]) {
      const radius = 4;
      const means = boxMeans(img, W, H, region, radius);
      expect(means.length).toBe(region.w * region.h);
      for (let y = 0; y < region.h; y++) {
        for (let x = 0; x < region.w; x++) {
          let sum = 0;
          let n = 0;
          const cx = region.x0 + x;
          const cy = region.y0 + y;
          for (let yy = Math.max(0, cy - radius); yy <= Math.min(H - 1, cy + radius); yy++)
            for (let xx = Math.max(0, cx - radius); xx <= Math.min(W - 1, cx + radius); xx++) {
              sum += img[yy * W + xx]!;
              n++;
            }
          expect(means[y * region.w + x]).toBe(Math.fround(sum / n));
        }
      }
    }
  });
});
