/**
 * The prompt-propagation tracking strategy: each frame, an object is decoded from a prompt built out
 * of its previous result — the previous low-resolution logits as mask input, the previous mask's box
 * grown by a margin, a positive point re-placed at the previous mask's most interior pixel, and the
 * user's corrective points carried along with the object, all moved by the object's motion since it
 * was seen (motion-estimate.ts). A lost object is probed around where it was last seen.
 * `planPrompt` is pure; the strategy adds the motion estimate and the decode.
 */
import { maskArea, type BinaryMask } from '../engine/mask.ts';
import type { Prompt, PromptPoint } from '../engine/prompts.ts';
import type { DecodeResult, Embedding, Segmenter } from '../engine/types.ts';
import { appearanceDistance, measureAppearance } from './appearance.ts';
import {
  boxOverlapArea,
  expandBox,
  maskIou,
  overlapInBox,
  summarizeMask,
  type PixelBox,
} from './mask-geometry.ts';
import { SMALLER_AREA_RATIO } from './exclusive-masks.ts';
import { searchByAppearance, type SearchHit, type SearchRequest } from './reacquire-search.ts';
import { estimateShift, movedSighting } from './motion-estimate.ts';
import { referenceRadius, type ObjectTrack, type Sighting } from './object-track.ts';
import type { Neighbour, Observation, TrackingStrategy } from './tracking-strategy.ts';
import { searchReachRadii, type TrackingParams } from './tracking-params.ts';

const clampPoint = (p: PromptPoint, width: number, height: number): PromptPoint => ({
  x: Math.min(Math.max(p.x, 0.5), width - 0.5),
  y: Math.min(Math.max(p.y, 0.5), height - 0.5),
  label: p.label,
});

const asPromptBox = (b: PixelBox) => ({ x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 });

/** What to decode for `track` on a frame of this size; null when there is nothing to go on. */
export function planPrompt(
  track: ObjectTrack,
  width: number,
  height: number,
  params: TrackingParams,
  grey?: Uint8Array,
  others: readonly Neighbour[] = [],
): Prompt | null {
  if (track.seed) return track.seed;
  const last = track.last;
  if (last) {
    const attached = track.attached.map((a) =>
      clampPoint(
        { x: last.centroid.x + a.dx, y: last.centroid.y + a.dy, label: a.label },
        width,
        height,
      ),
    );
    const box = expandBox(last.box, params.boxMargin, params.boxPadPx, width, height);
    const points: PromptPoint[] = [
      clampPoint({ ...last.interior, label: 'positive' }, width, height),
      ...attached,
      ...track.pending,
    ];
    return {
      points,
      ...(params.useBox ? { box: asPromptBox(box) } : {}),
      ...(params.useMaskPrior ? { previousMask: last.logits } : {}),
    };
  }
  const seen = track.lastGood;
  if (!seen) return null;
  // Lost: look where something with the object's appearance is, near where it was last seen.
  const reference = track.reference;
  const radius = referenceRadius(track);
  const hit =
    grey && reference
      ? searchOnce(grey, others, width, height, {
          centre: seen.centroid,
          radius,
          reachRadii: searchReachRadii(params, radius, track.framesSinceGood, track.leftView),
          appearance: reference.appearance,
          contrastTolerance: params.contrastTolerance,
          noEchoGrey: params.noEchoGrey,
          area: reference.area,
        })
      : undefined;
  if (hit && hit.distance >= 1) return null; // nothing there looks like it
  const at = hit ?? seen.interior;
  const stayed = Math.hypot(at.x - seen.interior.x, at.y - seen.interior.y) < 2;
  // The box stays where the object was last seen (moving it to the candidate was measured: more
  // false losses on three of four development seeds).
  const box = expandBox(seen.box, params.searchMargin, params.boxPadPx, width, height);
  return {
    points: [clampPoint({ x: at.x, y: at.y, label: 'positive' }, width, height)],
    ...(params.useBox ? { box: asPromptBox(box) } : {}),
    ...(params.useMaskPrior && stayed ? { previousMask: seen.logits } : {}),
  };
}

/**
 * Searches already made on a frame (`grey`) with a set of neighbours, by request: a lost object is
 * planned once per hypothesis on a frame (observe, then alternatives) with the same search, which
 * scans its whole reach (hot path: every lost object, every frame). A pure function's memo: the
 * answer is the search's own.
 */
const searches = new WeakMap<
  Uint8Array,
  WeakMap<readonly Neighbour[], Map<string, SearchHit | undefined>>
>();

function searchOnce(
  grey: Uint8Array,
  others: readonly Neighbour[],
  width: number,
  height: number,
  req: Omit<SearchRequest, 'occupied'> & { readonly area: number },
): SearchHit | undefined {
  let byOthers = searches.get(grey);
  if (!byOthers) searches.set(grey, (byOthers = new WeakMap()));
  let memo = byOthers.get(others);
  if (!memo) byOthers.set(others, (memo = new Map<string, SearchHit | undefined>()));
  const key = JSON.stringify([width, height, req]);
  if (memo.has(key)) return memo.get(key);
  const { area, ...request } = req;
  const hit = searchByAppearance(grey, width, height, {
    ...request,
    occupied: occupiedBy(others, area, width),
  });
  memo.set(key, hit);
  return hit;
}

/**
 * Whether a pixel is ground that another object shows, for a lost object of `area` px. A neighbour
 * more than twice its size does not count: a small structure can lie inside a large one's mask (a
 * vessel in an organ, whose star-shaped mask covers it; or touching it, where the organ's mask spread
 * over it once the vessel was lost), the same rule by which exclusive masks give such pixels to the
 * smaller object.
 */
function occupiedBy(
  others: readonly Neighbour[],
  area: number,
  width: number,
): (x: number, y: number) => boolean {
  const occupying = others.filter((o) => SMALLER_AREA_RATIO * o.area <= area);
  return (x, y) => {
    const i = Math.floor(y) * width + Math.floor(x);
    return occupying.some((o) => o.mask.data[i] === 1);
  };
}

/**
 * Boxes of growing size around a point-only seed, tried when the point alone gives an implausible
 * mask, a mask another object shows, or one the two smallest boxes contradict (SAM answers an
 * ambiguous point with several masks; this is the same idea for any decoder). See settleSeed.
 */
export function seedFallbacks(seed: Prompt, width: number, height: number): Prompt[] {
  const p = seed.points.find((q) => q.label === 'positive');
  if (seed.box || !p) return [];
  const side = Math.min(width, height);
  return [0.125, 0.25, 0.5].map((f) => {
    const h = (f * side) / 2;
    return {
      points: seed.points,
      box: {
        x0: Math.max(0, p.x - h),
        y0: Math.max(0, p.y - h),
        x1: Math.min(width, p.x + h),
        y1: Math.min(height, p.y + h),
      },
    };
  });
}

/** A tap's own mask more than this many times the boxes' (seed scale stability) spread past its object. */
const SPREAD_AREA_RATIO = 2;
/** IoU at which the masks of the two smallest seed boxes are the same object. */
const STABLE_IOU = 0.8;

/** Re-centring (PromptPropagation.recentred): least IoU of a probe's mask with the first answer. */
const RECENTRE_SAME_OBJECT_IOU = 0.4;
/** … the margin by which a probe's cost must beat the first answer's … */
const RECENTRE_MARGIN = 0.05;
/** … and the weight of |ln(area / reference area)| beside the appearance distance (0–1) in it. */
const RECENTRE_AREA_WEIGHT = 0.5;

/** `prompt` with its first point replaced by `point`, and its box (if any) moved with it. */
function movedPrompt(prompt: Prompt, point: PromptPoint, width: number, height: number): Prompt {
  const from = prompt.points[0] ?? point;
  const [dx, dy] = [point.x - from.x, point.y - from.y];
  const b = prompt.box;
  return {
    ...prompt,
    points: [point, ...prompt.points.slice(1)],
    ...(b
      ? {
          box: {
            x0: Math.max(0, b.x0 + dx),
            y0: Math.max(0, b.y0 + dy),
            x1: Math.min(width, b.x1 + dx),
            y1: Math.min(height, b.y1 + dy),
          },
        }
      : {}),
  };
}

/**
 * Pixels of `mask` (of `area` pixels) that other objects not much smaller than it show
 * (SMALLER_AREA_RATIO).
 */
function groundOfOthers(mask: BinaryMask, area: number, others: readonly Neighbour[]): number {
  let n = 0;
  for (const o of others) {
    if (o.area > SMALLER_AREA_RATIO * area) n += overlapInBox(mask, o.mask, o.box).intersection;
  }
  return n;
}

/**
 * Whether `mask` is, for the most part, a mask another object shows (IoU at least 0.5); `box` is
 * the mask's own box when the caller has it.
 */
function duplicates(
  mask: BinaryMask,
  others: readonly Neighbour[],
  box: PixelBox | undefined = summarizeMask(mask).box,
): boolean {
  // IoU ≥ 0.5 needs an intersection of at least half the other's area (a neighbour's area is its
  // mask's pixel count, as a Sighting's is), and the intersection lies in the two boxes' overlap: a
  // smaller overlap rules the pair out without a scan.
  return others.some(
    (o) => boxOverlapArea(box, o.box) >= 0.5 * o.area && maskIou(mask, box, o.mask, o.box) >= 0.5,
  );
}

export class PromptPropagation implements TrackingStrategy {
  readonly name = 'prompt-propagation';

  constructor(
    private readonly segmenter: Segmenter,
    private readonly params: TrackingParams,
  ) {}

  async observe(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others: readonly Neighbour[] = [],
  ): Promise<Observation | null> {
    const { imageWidth: width, imageHeight: height } = embedding;
    const hypothesis = track.seed ? 0 : track.hypothesis;
    const moved = this.compensated(track, grey, width, height);
    const prompt = planPrompt(moved, width, height, this.variant(hypothesis), grey, others);
    if (!prompt) return null;
    const first = await this.segmenter.decode(embedding, prompt);
    const best = track.seed
      ? await this.settleSeed(embedding, track.seed, first, others)
      : await this.recentred(embedding, grey, track, prompt, first, others);
    return {
      mask: best.mask,
      logits: best.lowResLogits,
      score: best.score,
      result: best,
      hypothesis,
    };
  }

  /**
   * The mask for a user's tap: the tap's own answer, or one of the boxes around it (seedFallbacks)
   * when that answer is implausible, is another object's mask, or is not stable across scales.
   * Only a point-only seed has boxes to try; each is decoded at most once.
   */
  private async settleSeed(
    embedding: Embedding,
    seed: Prompt,
    first: DecodeResult,
    others: readonly Neighbour[],
  ): Promise<DecodeResult> {
    const { imageWidth: width, imageHeight: height } = embedding;
    const boxes = seedFallbacks(seed, width, height);
    const decoded: (DecodeResult | undefined)[] = [];
    const decodeBox = async (i: number) =>
      (decoded[i] ??= await this.segmenter.decode(embedding, boxes[i]!));
    const plausible = (r: DecodeResult) => this.plausible(r.mask, r.score, width * height);
    let best = first;
    if (!plausible(first)) {
      for (let i = 0; i < boxes.length; i++) {
        const r = await decodeBox(i);
        if (plausible(r) && r.score > best.score) best = r;
      }
      return best;
    }
    if (boxes.length >= 2) {
      // Stable across scales: when the two smallest boxes agree on an object that fits in them and
      // the tap alone gave something more than twice as large, the tap's answer spread past the
      // object (into a touching or surrounding structure of similar echo); the object is the one
      // both boxes found. An object larger than the small box cannot look the same in both.
      const small = await decodeBox(0);
      const medium = await decodeBox(1);
      const s = summarizeMask(small.mask);
      const m = summarizeMask(medium.mask);
      if (
        plausible(small) &&
        plausible(medium) &&
        maskArea(first.mask) > SPREAD_AREA_RATIO * m.area &&
        maskIou(small.mask, s.box, medium.mask, m.box) >= STABLE_IOU
      ) {
        best = small.score > medium.score ? small : medium;
      }
    }
    if (duplicates(best.mask, others)) {
      // A new tap whose mask is another object's mask was meant for something else (a vessel
      // inside an organ that is already tracked): the smallest box around the tap that gives a
      // plausible mask of its own. Not the best-scoring one: the built-in model scores a mask
      // that runs over the organ and past it in the largest box highest (tracking seed 3030's
      // faint vessel: 0.47 for 21 588 px against 0.11 for its own 1 262 px, Dice 0.09 / 0.75).
      for (let i = 0; i < boxes.length; i++) {
        const r = await decodeBox(i);
        if (plausible(r) && !duplicates(r.mask, others)) {
          best = r;
          break;
        }
      }
    }
    return best;
  }

  /**
   * Directions tried so far per object (each probe turns by 1/8 of a circle from the last). Per
   * object: where one object's probes point must not depend on how many other objects probed.
   */
  private readonly turns = new Map<string, number>();

  forget(objectId: string): void {
    this.turns.delete(objectId);
  }

  /**
   * A weakly scored observation of an object past its seed (tracked, or a lost object's probe),
   * compared with the same prompt whose point (and box) moves
   * `recentreRadii` reference radii in each of `recentreProbes` directions (turning by 1/8 of a
   * circle from probe to probe): the answer whose mask looks most like the object's learnt
   * appearance and size stands. The re-placed point is the deepest pixel of the previous mask, so a
   * mask that slid over a neighbour moves its own point with it, and the next mask follows; the
   * probes let the point walk back onto the object. The model's score cannot choose here (it
   * scores a point on a vessel inside an organ highest); the learnt appearance can. A candidate must
   * be the same object (IoU with the first answer at least RECENTRE_SAME_OBJECT_IOU), not another
   * object's mask, take no more of the ground its neighbours of about its size show than the first
   * answer does (in a crowded scene a probe otherwise slides onto the next vessel), and beat the
   * first answer's cost by RECENTRE_MARGIN.
   */
  private async recentred(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    prompt: Prompt,
    first: DecodeResult,
    others: readonly Neighbour[],
  ): Promise<DecodeResult> {
    const { recentreRadii, recentreProbes, warmupFrames, scoreGood } = this.params;
    const reference = track.reference;
    const p = prompt.points[0];
    if (recentreRadii <= 0 || recentreProbes <= 0 || first.score >= scoreGood) return first;
    if (!reference || reference.samples < warmupFrames || p?.label !== 'positive') return first;
    const firstSummary = summarizeMask(first.mask);
    const firstBox = firstSummary.box;
    if (!firstBox) return first;
    const { imageWidth: width, imageHeight: height } = embedding;
    const cost = (mask: BinaryMask, box: PixelBox, area: number): number =>
      area < this.params.minAreaPx
        ? Infinity
        : appearanceDistance(
            reference.appearance,
            measureAppearance(grey, mask, box),
            this.params.contrastTolerance,
          ) +
          RECENTRE_AREA_WEIGHT * Math.abs(Math.log(area / reference.area));
    const firstGround = groundOfOthers(first.mask, firstSummary.area, others);
    const step = recentreRadii * Math.sqrt(reference.area / Math.PI);
    let best = first;
    let bestCost = cost(first.mask, firstBox, firstSummary.area);
    const turn = this.turns.get(track.objectId) ?? 0;
    this.turns.set(track.objectId, turn + recentreProbes);
    for (let k = 0; k < recentreProbes; k++) {
      const angle = (2 * Math.PI * ((turn + k) % 8)) / 8;
      const q = clampPoint(
        { x: p.x + step * Math.cos(angle), y: p.y + step * Math.sin(angle), label: 'positive' },
        width,
        height,
      );
      // A probe is an extra look: if it cannot be decoded, the first answer still stands.
      const candidate = await this.segmenter
        .decode(embedding, movedPrompt(prompt, q, width, height))
        .catch(() => undefined);
      if (!candidate) continue;
      const { box, area } = summarizeMask(candidate.mask);
      if (!box || maskIou(first.mask, firstBox, candidate.mask, box) < RECENTRE_SAME_OBJECT_IOU) {
        continue;
      }
      if (duplicates(candidate.mask, others, box)) continue;
      if (groundOfOthers(candidate.mask, area, others) > firstGround) continue;
      const c = cost(candidate.mask, box, area);
      if (c < bestCost - RECENTRE_MARGIN) {
        best = candidate;
        bestCost = c;
      }
    }
    return best;
  }

  /**
   * Hypothesis 1 is the same prompt with the grown box toggled: a box bounds the built-in model's
   * rays (against a leak into a neighbour); for SAM-family models the box-less prompt is the other
   * reading. Offered for a tracked or lost object whose first observation was not judged good; the
   * one that stood is tried first next frame.
   */
  async alternatives(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others: readonly Neighbour[] = [],
  ): Promise<Observation[]> {
    if (track.seed || (!track.last && !track.lastGood)) return [];
    const { imageWidth: width, imageHeight: height } = embedding;
    const hypothesis = 1 - track.hypothesis;
    const moved = this.compensated(track, grey, width, height);
    const prompt = planPrompt(moved, width, height, this.variant(hypothesis), grey, others);
    if (!prompt) return [];
    const r = await this.segmenter.decode(embedding, prompt);
    return [{ mask: r.mask, logits: r.lowResLogits, score: r.score, result: r, hypothesis }];
  }

  /** Each last sighting moved to the frame it was last compensated for (both hypotheses share it). */
  private readonly moves = new WeakMap<Sighting, { grey: Uint8Array; moved: Sighting }>();

  /**
   * The track with its last sighting moved by the object's motion since the frame it was seen on
   * (motion-estimate.ts), so that the re-placed point (and box) land where the object is now; the
   * mask prior stays as seen. A seed, a lost object and a sighting from this very frame are left
   * as they are.
   */
  private compensated(
    track: ObjectTrack,
    grey: Uint8Array,
    width: number,
    height: number,
  ): ObjectTrack {
    const last = track.last;
    const { motionReachPx: reachPx, motionBlurPx: blurPx } = this.params;
    if (track.seed || !last || reachPx <= 0) return track;
    if (last.grey === grey || last.grey.length !== grey.length) return track;
    let entry = this.moves.get(last);
    if (entry?.grey !== grey) {
      const shift = estimateShift(last.grey, grey, width, height, last.box, { reachPx, blurPx });
      entry = { grey, moved: movedSighting(last, shift, width, height) };
      this.moves.set(last, entry);
    }
    return entry.moved === last ? track : { ...track, last: entry.moved };
  }

  private variant(hypothesis: number): TrackingParams {
    return hypothesis === 1 ? { ...this.params, useBox: !this.params.useBox } : this.params;
  }

  private plausible(mask: BinaryMask, score: number, frameArea: number): boolean {
    if (score < this.params.scoreBad) return false;
    const area = maskArea(mask);
    return area >= this.params.minAreaPx && area <= this.params.maxFrameFraction * frameArea;
  }
}
