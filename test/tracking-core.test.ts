import { describe, expect, it } from 'vitest';
import { disc } from './support/masks.ts';
import { scriptedSegmenter } from './support/scripted-segmenter.ts';
import { scoreObject, summarize, type FrameRecord } from '../bench/tracking/tracking-metrics.ts';
import {
  expandBox,
  interiorPoint,
  maskIou,
  summarizeMask,
  viewBorderShare,
} from '../inference/tracking/mask-geometry.ts';
import type { DecodeResult, Embedding } from '../inference/engine/types.ts';
import type { Prompt } from '../inference/engine/prompts.ts';
import { seededTrack, withCorrections } from '../inference/tracking/object-track.ts';
import { Tracker } from '../inference/tracking/tracker.ts';
import type { TrackingStrategy } from '../inference/tracking/tracking-strategy.ts';
import { diffPrompts, type UserPrompt } from '../inference/tracking/prompt-diff.ts';
import {
  assessObservation,
  type ObservationFeatures,
} from '../inference/tracking/track-quality.ts';
import { searchByAppearance } from '../inference/tracking/reacquire-search.ts';
import { createPhantom } from '../capture/phantom/index.ts';
import { planPrompt, PromptPropagation } from '../inference/tracking/prompt-propagation.ts';
import { withoutSmallerOverlaps } from '../inference/tracking/exclusive-masks.ts';
import {
  DEFAULT_TRACKING_PARAMS as P,
  searchReachRadii,
} from '../inference/tracking/tracking-params.ts';

/** A mask as the tracker shows it to the other objects (area, box, most interior pixel). */
const shownOf = (m: ReturnType<typeof disc>) => {
  const s = summarizeMask(m);
  return { mask: m, area: s.area, box: s.box!, interior: interiorPoint(m, s.box)! };
};

describe('mask geometry', () => {
  it('summarises area, box and centroid, and finds the most interior pixel', () => {
    const m = disc(64, 48, 30, 20, 8);
    const s = summarizeMask(m);
    expect(s.area).toBeGreaterThan(190);
    expect(s.area).toBeLessThan(212);
    expect(s.box).toEqual({ x0: 22, y0: 12, x1: 38, y1: 28 });
    expect(s.centroid!.x).toBeCloseTo(30, 1);
    expect(s.centroid!.y).toBeCloseTo(20, 1);
    const p = interiorPoint(m, s.box)!;
    expect(Math.hypot(p.x - 30, p.y - 20)).toBeLessThanOrEqual(1);
    expect(summarizeMask({ width: 4, height: 4, data: new Uint8Array(16) })).toEqual({
      area: 0,
      box: undefined,
      centroid: undefined,
    });
  });

  it('summarises any 0/1 mask exactly as a plain scan of every pixel does', () => {
    let state = 7;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 50; t++) {
      const w = 1 + Math.floor(rand() * 40);
      const h = 1 + Math.floor(rand() * 30);
      const density = rand() * 0.3;
      const data = Uint8Array.from({ length: w * h }, () => (rand() < density ? 1 : 0));
      let area = 0;
      let sx = 0;
      let sy = 0;
      let x0 = w;
      let y0 = h;
      let x1 = 0;
      let y1 = 0;
      data.forEach((v, i) => {
        if (!v) return;
        const x = i % w;
        const y = Math.floor(i / w);
        area++;
        sx += x;
        sy += y;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
      });
      const s = summarizeMask({ width: w, height: h, data });
      expect(s.area).toBe(area);
      if (area === 0) continue;
      expect(s.box).toEqual({ x0, y0, x1, y1 });
      expect(s.centroid!.x).toBeCloseTo(sx / area + 0.5, 9);
      expect(s.centroid!.y).toBeCloseTo(sy / area + 0.5, 9);
    }
  });

  it('finds an interior point of a large mask on blocks, inside it and near the exact one', () => {
    const m = disc(400, 300, 180, 150, 100);
    for (let y = 0; y < 300; y++) for (let x = 170; x < 190; x++) m.data[y * 400 + x] = 0; // a cut
    const s = summarizeMask(m);
    const p = interiorPoint(m, s.box)!;
    expect(m.data[Math.floor(p.y) * 400 + Math.floor(p.x)]).toBe(1);
    // Exact answer: the centre of either half-disc's inscribed circle, about 45 px from the cut.
    expect(Math.abs(Math.abs(p.x - 180) - 52)).toBeLessThanOrEqual(10);
    expect(Math.abs(p.y - 150)).toBeLessThanOrEqual(10);
  });

  it('measures overlap within the union of the boxes', () => {
    const a = disc(64, 64, 30, 30, 10);
    const b = disc(64, 64, 30, 30, 10);
    const c = disc(64, 64, 50, 50, 5);
    const sa = summarizeMask(a).box;
    expect(maskIou(a, sa, b, summarizeMask(b).box)).toBe(1);
    expect(maskIou(a, sa, c, summarizeMask(c).box)).toBe(0);
    const shifted = disc(64, 64, 35, 30, 10);
    const iou = maskIou(a, sa, shifted, summarizeMask(shifted).box);
    expect(iou).toBeGreaterThan(0.4);
    expect(iou).toBeLessThan(0.6);
  });

  it('sees a mask cut by the edge of the view', () => {
    const grey = new Uint8Array(64 * 64).fill(100);
    for (let y = 0; y < 64; y++) for (let x = 40; x < 64; x++) grey[y * 64 + x] = 0; // no echo
    const inside = disc(64, 64, 20, 30, 8);
    const cut = disc(64, 64, 40, 30, 8);
    for (let y = 0; y < 64; y++) for (let x = 40; x < 64; x++) cut.data[y * 64 + x] = 0;
    expect(viewBorderShare(inside, summarizeMask(inside).box!, grey)).toBe(0);
    expect(viewBorderShare(cut, summarizeMask(cut).box!, grey)).toBeGreaterThan(0.25);
    // On a volume slice black is air, not the edge of the view: only the image's edge counts.
    expect(viewBorderShare(cut, summarizeMask(cut).box!, grey, -1)).toBe(0);
    const atImageEdge = disc(64, 64, 2, 30, 8);
    expect(viewBorderShare(atImageEdge, summarizeMask(atImageEdge).box!, grey, -1)).toBeGreaterThan(
      0.1,
    );
  });

  it('grows boxes and clips them to the image', () => {
    expect(expandBox({ x0: 10, y0: 10, x1: 30, y1: 20 }, 0.5, 2, 100, 100)).toEqual({
      x0: 0,
      y0: 3,
      x1: 42,
      y1: 27,
    });
  });
});

describe('prompt diff', () => {
  const a: UserPrompt = { objectId: 'a', points: [{ x: 1, y: 1, label: 'positive' }] };
  const b: UserPrompt = { objectId: 'b', points: [{ x: 5, y: 5, label: 'positive' }] };
  it('tells new, corrected, re-seeded and removed objects apart', () => {
    const before = new Map([
      ['a', a],
      ['b', b],
    ]);
    const d = diffPrompts(before, [
      { ...a, points: [...a.points, { x: 2, y: 2, label: 'negative' }] },
      { objectId: 'c', points: [{ x: 9, y: 9, label: 'positive' }] },
    ]);
    expect(d.added.map((p) => p.objectId)).toEqual(['c']);
    expect(d.corrected).toEqual([{ objectId: 'a', points: [{ x: 2, y: 2, label: 'negative' }] }]);
    expect(d.removed).toEqual(['b']);
    expect(d.reseeded).toEqual([]);
    const moved = diffPrompts(before, [{ ...b, points: [{ x: 6, y: 5, label: 'positive' }] }]);
    expect(moved.reseeded.map((p) => p.objectId)).toEqual(['b']);
    const boxed = diffPrompts(before, [{ ...a, box: { x0: 0, y0: 0, x1: 4, y1: 4 } }]);
    expect(boxed.reseeded.map((p) => p.objectId)).toEqual(['a']);
    const same = diffPrompts(before, [a, b]);
    expect([same.added, same.corrected, same.reseeded, same.removed].flat()).toEqual([]);
  });
});

describe('loss detection cues', () => {
  const reference = {
    area: 1000,
    appearance: { inside: 40, around: 100, contrast: 0.42 },
    samples: 20,
  };
  const ok: ObservationFeatures = {
    area: 1000,
    score: 0.6,
    overlap: 0.8,
    shiftRadii: undefined,
    appearance: reference.appearance,
    borderShare: 0,
  };
  it('accepts a consistent observation and names the weakest cue otherwise', () => {
    expect(assessObservation(ok, reference, 512 * 512, P).verdict).toBe('good');
    expect(assessObservation({ ...ok, area: 3 }, reference, 512 * 512, P)).toMatchObject({
      verdict: 'bad',
      reason: 'empty',
    });
    expect(assessObservation({ ...ok, area: 200_000 }, reference, 512 * 512, P)).toMatchObject({
      verdict: 'bad',
      reason: 'whole-frame',
    });
    expect(assessObservation({ ...ok, area: 2500 }, reference, 512 * 512, P)).toMatchObject({
      verdict: 'bad',
      reason: 'area-change',
    });
    expect(assessObservation({ ...ok, area: 1700 }, reference, 512 * 512, P)).toMatchObject({
      verdict: 'doubtful',
      reason: 'area-change',
    });
    expect(assessObservation({ ...ok, overlap: 0.1 }, reference, 512 * 512, P).reason).toBe('jump');
    expect(assessObservation({ ...ok, score: 0.01 }, reference, 512 * 512, P).reason).toBe(
      'low-score',
    );
    const brighter = { inside: 95, around: 100, contrast: 0.02 };
    expect(
      assessObservation({ ...ok, appearance: brighter }, reference, 512 * 512, P),
    ).toMatchObject({ verdict: 'bad', reason: 'appearance' });
  });

  it('judges a mask cut by the view edge by its visible fraction', () => {
    const leaving = { ...ok, borderShare: 0.3 };
    expect(assessObservation({ ...leaving, area: 800 }, reference, 512 * 512, P).verdict).toBe(
      'good',
    );
    expect(assessObservation({ ...leaving, area: 520 }, reference, 512 * 512, P)).toMatchObject({
      verdict: 'bad',
      reason: 'left-view',
    });
    // The same area change away from the edge is only doubtful.
    expect(assessObservation({ ...ok, area: 520 }, reference, 512 * 512, P).verdict).toBe(
      'doubtful',
    );
  });

  it('judges a user prompt without history (no reference, no overlap)', () => {
    const first = { ...ok, overlap: undefined, area: 5000 };
    expect(assessObservation(first, undefined, 512 * 512, P).verdict).toBe('good');
  });
});

describe('tracking metrics', () => {
  const rec = (inView: boolean, lost: boolean, dice?: number): FrameRecord => ({
    inView,
    lost,
    dice: inView ? (dice ?? (lost ? 0 : 0.9)) : undefined,
  });
  it('measures loss delay, false losses and re-acquisition', () => {
    const frames: FrameRecord[] = [
      rec(true, false),
      rec(true, true), // false loss (no leave within 3 frames)
      rec(true, false),
      rec(true, false),
      rec(true, false),
      rec(true, false),
      rec(false, false), // leave at 6
      rec(false, false),
      rec(false, true), // flagged 2 frames after leaving
      rec(false, true),
      rec(true, true), // return at 10
      rec(true, true),
      rec(true, false, 0.85), // re-acquired after 2 frames
      rec(true, false, 0.82),
    ];
    const s = scoreObject('x', 0, frames);
    expect(s.lossDelays).toEqual([2]);
    expect(s.falseLosses).toBe(1);
    expect(s.reacquireDelays).toEqual([2]);
    expect(s.framesShownOutOfView).toBe(0); // frames 6-7 are the leave's own detection delay
    expect(s.minDiceInViewStrict).toBe(0);
    // Frame 1 is a false loss and counts; frames 10-11 wait for re-acquisition and are excused.
    expect(s.minDiceInView).toBe(0);
    const clean = scoreObject('y', 0, frames.slice(2));
    expect(clean.falseLosses).toBe(0);
    expect(clean.minDiceInView).toBeCloseTo(0.82);
    const sum = summarize([s, clean]);
    expect(sum.lossDetectedWithinFrames).toBe(2);
    expect(sum.reacquireFrames).toBe(2);
    expect(sum.falseLosses).toBe(1);
  });

  it('reports a loss never flagged and an object never re-acquired as null', () => {
    const frames = [
      rec(true, false),
      rec(false, false),
      rec(false, false),
      rec(true, true),
      rec(true, true),
    ];
    const s = scoreObject('z', 0, frames);
    expect(s.lossDelays).toEqual([null]);
    expect(s.framesShownOutOfView).toBe(0); // within the 3 frames after the leave
    expect(s.reacquireDelays).toEqual([null]);
    expect(summarize([s]).lossDetectedWithinFrames).toBeNull();
  });

  it('counts frames out of view with a mask shown, beyond the detection delay', () => {
    const frames = [rec(true, false), ...Array.from({ length: 6 }, () => rec(false, false))];
    const s = scoreObject('v', 0, frames);
    expect(s.lossDelays).toEqual([null]);
    expect(s.framesShownOutOfView).toBe(3);
  });

  it('counts in-view frames whose shown mask lies mostly off the object', () => {
    const on = (onObject: number): FrameRecord => ({ ...rec(true, false, 0.3), onObject });
    const frames = [on(0.9), on(0.49), on(0.2), on(0.5), rec(true, true), rec(false, false)];
    const s = scoreObject('u', 0, frames);
    expect(s.framesShownOffObject).toBe(2);
    expect(summarize([s, s]).framesShownOffObject).toBe(4);
  });

  it('counts a loss flagged just before the object leaves as detected, not false', () => {
    const frames = [
      rec(true, false),
      rec(true, false),
      rec(true, true),
      rec(true, true),
      rec(false, true),
    ];
    const s = scoreObject('w', 0, frames);
    expect(s.lossDelays).toEqual([0]);
    expect(s.falseLosses).toBe(0);
  });
});

describe('corrections on an object', () => {
  const tap = { x: 10, y: 10, label: 'positive' as const };
  const extra = { x: 12, y: 14, label: 'negative' as const };
  it('join the seed of an object not decoded yet, and re-seed a lost one only with a positive point', () => {
    const fresh = withCorrections(seededTrack('a', { points: [tap] }), [extra]);
    expect(fresh.seed?.points).toEqual([tap, extra]);
    expect(fresh.pending).toEqual([]);
    const lost = { ...seededTrack('a', { points: [tap] }), seed: undefined };
    expect(withCorrections(lost, [extra])).toBe(lost);
    expect(withCorrections(lost, [extra, tap]).seed?.points).toEqual([extra, tap]);
  });
});

describe('re-acquisition search', () => {
  // Tissue at 100 with a deterministic texture; a dark disc (the object) at 20.
  const W = 200;
  const H = 160;
  const scene = (discs: { x: number; y: number }[], noEchoFromX = W) => {
    const g = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let v = 100 + ((x * 7 + y * 13) % 11) - 5;
        for (const d of discs) if ((x - d.x) ** 2 + (y - d.y) ** 2 <= 144) v = 20;
        g[y * W + x] = x >= noEchoFromX ? 0 : v;
      }
    }
    return g;
  };
  const appearance = { inside: 20, around: 100, contrast: 80 / 121 };
  const req = (centre: { x: number; y: number }, reachRadii: number) => ({
    centre,
    radius: 12,
    reachRadii,
    appearance,
    contrastTolerance: P.contrastTolerance,
  });

  it('finds the object where it moved, within the reach only', () => {
    const g = scene([{ x: 100, y: 80 }]);
    const hit = searchByAppearance(g, W, H, req({ x: 80, y: 70 }, 3))!;
    expect(Math.hypot(hit.x - 100, hit.y - 80)).toBeLessThanOrEqual(4);
    expect(hit.distance).toBeLessThan(0.5);
    const far = searchByAppearance(g, W, H, req({ x: 30, y: 30 }, 1.5));
    expect(far === undefined || far.distance > 0.9).toBe(true);
  });

  it('does not centre on another tracked object or at the edge of the view', () => {
    const g = scene([
      { x: 100, y: 80 },
      { x: 60, y: 80 },
    ]);
    const occupiedByOther = (x: number, y: number) => (x - 60) ** 2 + (y - 80) ** 2 <= 144;
    const hit = searchByAppearance(g, W, H, {
      ...req({ x: 62, y: 80 }, 4),
      occupied: occupiedByOther,
    })!;
    expect(Math.hypot(hit.x - 100, hit.y - 80)).toBeLessThanOrEqual(4);
    // Past x = 150 there is no echo: a dark window there is not the object.
    const edge = scene([], 150);
    const none = searchByAppearance(edge, W, H, req({ x: 150, y: 80 }, 3));
    expect(none === undefined || none.distance > 0.9).toBe(true);
    // Where black is not the edge of the view (a volume slice), that window is not ruled out.
    const volumeSlice = searchByAppearance(edge, W, H, {
      ...req({ x: 150, y: 80 }, 3),
      noEchoGrey: -1,
    });
    expect(volumeSlice!.distance).toBeLessThan(0.9);
  });

  it('finds a vessel that came back near where it left the view, not a window across the view edge', () => {
    // Tracking seed 5050: a vessel (learnt: inside 30, around 94) left the sector at (71, 271) and,
    // at frame 700, is back at (123, 235). A window centred just outside the sector's corner is
    // half black: measured with its no-echo pixels, it looked like a dark object in tissue.
    const f = createPhantom({ seed: 5050 }).frame(700);
    const vessel = f.objects[4]!;
    expect(vessel.inViewFraction).toBe(1);
    const hit = searchByAppearance(f.image, f.width, f.height, {
      centre: { x: 71, y: 271 },
      radius: 28,
      reachRadii: 3,
      appearance: { inside: 30, around: 94, contrast: 0.51 },
      contrastTolerance: P.contrastTolerance,
    })!;
    const { x, y } = vessel.centroid;
    expect(Math.hypot(hit.x - x, hit.y - y)).toBeLessThan(10);
    expect(hit.distance).toBeLessThan(0.6);
  });

  it("probes a lost object inside a much larger neighbour's mask, not under one of its own size", () => {
    // A dark vessel (radius 12) lost at (100, 80), still there; an organ's star-shaped mask covers it.
    const g = scene([{ x: 100, y: 80 }]);
    const vessel = disc(W, H, 100, 80, 12);
    const box = summarizeMask(vessel).box!;
    const sighting = {
      mask: vessel,
      logits: { width: 8, height: 8, logits: new Float32Array(64) },
      area: summarizeMask(vessel).area,
      box,
      centroid: { x: 100, y: 80 },
      interior: { x: 100, y: 80 },
      appearance,
      borderShare: 0,
      grey: g,
    };
    const lost = {
      ...seededTrack('vessel', { points: [] }),
      seed: undefined,
      lastGood: sighting,
      reference: { area: sighting.area, appearance, samples: 10 },
      framesSinceGood: 3,
    };
    const neighbour = (x: number, r: number) => shownOf(disc(W, H, x, 80, r));
    const nearVessel = (p: { x: number; y: number } | undefined) =>
      p !== undefined && Math.hypot(p.x - 100, p.y - 80) <= 4;
    const params = { ...P, useBox: false };
    // An organ more than twice its size does not rule the vessel's ground out …
    const underOrgan = planPrompt(lost, W, H, params, g, [neighbour(118, 30)]);
    expect(nearVessel(underOrgan?.points[0])).toBe(true);
    // … an object of its own size on the same ground does: the probe is not placed there.
    const underTwin = planPrompt(lost, W, H, params, g, [neighbour(104, 16)]);
    expect(nearVessel(underTwin?.points[0])).toBe(false);
  });

  it('reaches further the longer an object is lost, up to a limit', () => {
    expect(searchReachRadii(P, 10, 0)).toBe(P.searchRadii);
    expect(searchReachRadii(P, 10, 10)).toBeCloseTo(P.searchRadii + 2);
    expect(searchReachRadii(P, 10, 1000)).toBe(P.maxSearchRadii);
  });
});

describe('tracker and strategy state', () => {
  it('tells the strategy to forget an object that is added, re-prompted or removed, not one corrected', () => {
    const forgotten: string[] = [];
    const strategy: TrackingStrategy = {
      name: 'recording',
      observe: () => Promise.resolve(null),
      forget: (id) => forgotten.push(id),
    };
    const tracker = new Tracker(strategy, P);
    const tap = (x: number) => ({ x, y: 20, label: 'positive' as const });
    tracker.setPrompts([
      { objectId: 'a', points: [tap(10)] },
      { objectId: 'b', points: [tap(30)] },
    ]);
    expect(forgotten.splice(0)).toEqual(['a', 'b']);
    // A corrective point keeps the object's history …
    tracker.setPrompts([
      { objectId: 'a', points: [tap(10), tap(12)] },
      { objectId: 'b', points: [tap(30)] },
    ]);
    expect(forgotten.splice(0)).toEqual([]);
    // … a new prompt and a removal do not.
    tracker.setPrompts([{ objectId: 'a', points: [tap(50)] }]);
    expect(forgotten.splice(0).sort()).toEqual(['a', 'b']);
  });
});

describe('tracker hypotheses', () => {
  it('asks for another hypothesis only when the first is not good, and keeps the better-judged one', async () => {
    const W = 128;
    const grey = new Uint8Array(W * W).fill(100);
    const lowRes = { width: 8, height: 8, logits: new Float32Array(64) };
    const obs = (mask: { width: number; height: number; data: Uint8Array }, score: number) => ({
      mask,
      logits: lowRes,
      score,
      result: {} as DecodeResult,
    });
    const small = disc(W, W, 60, 60, 10);
    const leak = disc(W, W, 60, 60, 50);
    let frame = 0;
    let asked = 0;
    const strategy: TrackingStrategy = {
      name: 'scripted',
      observe: () => Promise.resolve(obs(frame === 1 ? leak : small, 0.6)),
      alternatives: () => {
        asked++;
        return Promise.resolve([obs(disc(W, W, 61, 60, 10), 0.5)]);
      },
    };
    const tracker = new Tracker(strategy, P);
    tracker.setPrompts([{ objectId: 'a', points: [{ x: 60, y: 60, label: 'positive' }] }]);
    const embedding = { imageWidth: W, imageHeight: W } as Embedding;
    const [r0] = await tracker.step(embedding, grey);
    expect(r0!.state).toBe('tracking');
    expect(asked).toBe(0);
    frame = 1;
    const [r1] = await tracker.step(embedding, grey);
    expect(asked).toBe(1);
    expect(r1!.state).toBe('tracking');
    expect(r1!.area).toBeLessThan(400); // the alternative, not the leak
    frame = 2;
    await tracker.step(embedding, grey);
    expect(asked).toBe(1);
    // Past the caller's budget, a doubtful observation gets no other hypothesis.
    frame = 1;
    const [r3] = await tracker.step(embedding, grey, undefined, () => true);
    expect(asked).toBe(1);
    expect(r3!.state).not.toBe('tracking'); // the leak was judged, and nothing better was tried
  });
});

describe('exclusive masks', () => {
  const W = 96;

  it('gives a pixel two masks claim to the one at most half the size of the other, and leaves masks that do not overlap alone', () => {
    const organ = shownOf(disc(W, W, 48, 48, 30));
    const vessel = shownOf(disc(W, W, 40, 44, 8));
    const apart = shownOf(disc(W, W, 88, 88, 5));
    const cut = withoutSmallerOverlaps(organ, [vessel, apart]);
    expect(cut.area).toBe(organ.area - vessel.area);
    for (let i = 0; i < W * W; i++)
      expect(cut.mask.data[i]).toBe(organ.mask.data[i]! & (1 - vessel.mask.data[i]!));
    // The smaller one keeps its pixels; an untouched mask comes back as it was.
    const kept = withoutSmallerOverlaps(vessel, [organ, apart]);
    expect(kept.mask).toBe(vessel.mask);
    expect(kept.area).toBe(vessel.area);
    // Similar areas (one object leaked over the other's structure): neither gives way.
    const twin = shownOf(disc(W, W, 42, 44, 8));
    expect(withoutSmallerOverlaps(vessel, [twin]).mask).toBe(vessel.mask);
    const leak = shownOf(disc(W, W, 48, 48, 24)); // 64 % of the organ's area
    expect(withoutSmallerOverlaps(organ, [leak]).mask).toBe(organ.mask);
  });

  it("the tracker's reports are exclusive; its objects' own state keeps the model's masks", async () => {
    const grey = new Uint8Array(W * W).fill(100);
    const lowRes = { width: 8, height: 8, logits: new Float32Array(64) };
    const masks: Record<string, ReturnType<typeof disc>> = {
      organ: disc(W, W, 48, 48, 30),
      vessel: disc(W, W, 40, 44, 8),
    };
    const strategy: TrackingStrategy = {
      name: 'scripted',
      observe: (_e, _g, track) =>
        Promise.resolve({
          mask: masks[track.objectId]!,
          logits: lowRes,
          score: 0.6,
          result: {} as DecodeResult,
        }),
    };
    const embedding = { imageWidth: W, imageHeight: W } as Embedding;
    for (const exclusiveMasks of [true, false]) {
      const tracker = new Tracker(strategy, { ...P, exclusiveMasks });
      tracker.setPrompts([
        { objectId: 'organ', points: [{ x: 60, y: 60, label: 'positive' }] },
        { objectId: 'vessel', points: [{ x: 40, y: 44, label: 'positive' }] },
      ]);
      const reports = await tracker.step(embedding, grey);
      const organ = reports.find((r) => r.objectId === 'organ')!;
      const vessel = reports.find((r) => r.objectId === 'vessel')!;
      const organArea = summarizeMask(masks.organ!).area;
      const vesselArea = summarizeMask(masks.vessel!).area;
      expect(vessel.area).toBe(vesselArea);
      expect(organ.area).toBe(exclusiveMasks ? organArea - vesselArea : organArea);
      expect(organ.mask!.data[44 * W + 40]).toBe(exclusiveMasks ? 0 : 1);
      expect(tracker.state('organ')!.last!.area).toBe(organArea);
    }
  });
});

describe('a tap on ground another object shows', () => {
  const W = 96;
  const organ = disc(W, W, 48, 48, 30);
  const vessel = disc(W, W, 40, 44, 8);
  // A mask across the organ's edge and past it, as the largest box gives.
  const spread = disc(W, W, 70, 66, 30);
  const lowRes = { width: 8, height: 8, logits: new Float32Array(64) };
  const embedding = { imageWidth: W, imageHeight: W } as Embedding;
  // A model that answers the tap and the middle box with the organ, the smallest box around it
  // with the vessel, and the largest box with a mask past the organ that it scores highest.
  const segmenter = (vesselScore: number) =>
    scriptedSegmenter((prompt) => {
      const side = prompt.box ? prompt.box.x1 - prompt.box.x0 : 0;
      const small = prompt.box !== undefined && side <= W / 8 + 1;
      const large = side >= W / 2 - 1;
      return {
        mask: small ? vessel : large ? spread : organ,
        score: small ? vesselScore : large ? 0.9 : prompt.box ? 0.7 : 0.4,
        lowResLogits: lowRes,
      };
    });
  const tap = seededTrack('vessel', { points: [{ x: 40, y: 44, label: 'positive' }] });
  const shownOrgan = shownOf(organ);

  it("takes the smallest box around the tap that gives a mask of its own when the tap's is another object's", async () => {
    const grey = new Uint8Array(W * W).fill(100);
    // The vessel, from the smallest box, though the largest box's mask scores higher.
    const m = segmenter(0.2);
    const seen = await new PromptPropagation(m, P).observe(embedding, grey, tap, [shownOrgan]);
    expect(seen!.mask).toBe(vessel);
    expect(m.calls).toBe(3); // the tap and the two smallest boxes (decoded for the scale check)
    // Nobody shows the organ yet: the tap's own answer stands.
    const alone = segmenter(0.5);
    expect((await new PromptPropagation(alone, P).observe(embedding, grey, tap, []))!.mask).toBe(
      organ,
    );
    expect(alone.calls).toBe(3);
    // A box whose answer is implausible (score under scoreBad) or the organ again is passed over.
    const faint = segmenter(P.scoreBad / 2);
    expect(
      (await new PromptPropagation(faint, P).observe(embedding, grey, tap, [shownOrgan]))!.mask,
    ).toBe(spread);
    expect(faint.calls).toBe(4);
  });
});

describe('a tap whose answer is not stable across scales', () => {
  const W = 256;
  const lowRes = { width: 8, height: 8, logits: new Float32Array(64) };
  const embedding = { imageWidth: W, imageHeight: W } as Embedding;
  const grey = new Uint8Array(W * W).fill(100);
  const tap = seededTrack('vessel', { points: [{ x: 100, y: 100, label: 'positive' }] });
  // The tap's answer spreads over a large neighbour; each box answers with `boxAnswer(side)`.
  const segmenter = (boxAnswer: (side: number) => ReturnType<typeof disc>) => ({
    modelId: 'scripted',
    modelSha256: '',
    encode: () => Promise.reject(new Error('not used')),
    decode: (_e: Embedding, prompt: Prompt) =>
      Promise.resolve({
        mask: prompt.box ? boxAnswer(prompt.box.x1 - prompt.box.x0) : disc(W, W, 120, 110, 45),
        score: prompt.box ? 0.5 : 0.4,
        lowResLogits: lowRes,
      } as unknown as DecodeResult),
  });

  it('takes the object the two smallest boxes agree on when the tap alone spread past it', async () => {
    const vessel = disc(W, W, 100, 100, 10);
    const nearly = disc(W, W, 100, 101, 10);
    const seen = await new PromptPropagation(
      segmenter((side) => (side <= W / 8 + 1 ? vessel : nearly)),
      P,
    ).observe(embedding, grey, tap, []);
    expect(summarizeMask(seen!.mask).area).toBeLessThan(400);
  });

  it("keeps the tap's answer for an object larger than the small box", async () => {
    // Each box's answer is what of a large object it can hold: they disagree.
    const seen = await new PromptPropagation(
      segmenter((side) => disc(W, W, 100, 100, side / 2 - 2)),
      P,
    ).observe(embedding, grey, tap, []);
    expect(summarizeMask(seen!.mask).area).toBeGreaterThan(5000);
  });
});
