/**
 * Loss detection (pure): judges one observation of an object against its reference (area and
 * appearance learnt on good frames) and its previous mask. Each cue maps to [0, 1] (0 = bad); the
 * quality is the weakest cue, and the weakest cue is the reason given when it is low.
 */
import { appearanceDistance, type Appearance } from './appearance.ts';
import type { TrackingParams } from './tracking-params.ts';

export type Verdict = 'good' | 'doubtful' | 'bad';

export type Cue =
  'empty' | 'whole-frame' | 'low-score' | 'area-change' | 'left-view' | 'jump' | 'appearance';

export interface ObservationFeatures {
  readonly area: number;
  readonly score: number;
  /** IoU with the previous mask, or undefined when there is none to compare with. */
  readonly overlap: number | undefined;
  /** Centroid distance to the last good one in reference radii, when re-acquiring … */
  readonly shiftRadii: number | undefined;
  /** … and how far the search reached, in the same radii. */
  readonly reachRadii?: number;
  readonly appearance: Appearance | undefined;
  /** Share of the mask's boundary on the view's edge (mask-geometry.ts viewBorderShare). */
  readonly borderShare: number;
}

export interface Reference {
  readonly area: number;
  readonly appearance: Appearance;
  /** Observations learnt so far (the first ones are averaged: a seed's mask is seldom its best). */
  readonly samples: number;
}

export interface Assessment {
  readonly verdict: Verdict;
  readonly quality: number;
  /** The weakest cue (set when the verdict is not good). */
  readonly reason: Cue | undefined;
}

const lin = (v: number, bad: number, good: number): number =>
  Math.min(1, Math.max(0, (v - bad) / (good - bad)));

export function assessObservation(
  features: ObservationFeatures,
  reference: Reference | undefined,
  frameArea: number,
  params: TrackingParams,
): Assessment {
  if (features.area < params.minAreaPx) return { verdict: 'bad', quality: 0, reason: 'empty' };
  if (features.area > params.maxFrameFraction * frameArea) {
    return { verdict: 'bad', quality: 0, reason: 'whole-frame' };
  }
  const cues: [Cue, number][] = [
    ['low-score', lin(features.score, params.scoreBad, params.scoreGood)],
  ];
  if (reference) {
    const ratio = features.area / reference.area;
    if (features.borderShare >= params.borderShareLeaving && ratio < 1) {
      // Cut by the view's edge: the visible fraction of the object, judged on its own scale.
      // Hysteresis: a lost object coming back into view (a probe: shiftRadii is set) is taken back
      // at a smaller visible fraction than the one at which a tracked object is given up.
      const [bad, good] =
        features.shiftRadii === undefined
          ? [params.visibleBad, params.visibleGood]
          : [params.reenterVisibleBad, params.reenterVisibleGood];
      cues.push(['left-view', lin(ratio, bad, good)]);
    } else {
      // A reference still warming up is the mean of the first masks after a seed, and a seed's
      // mask is seldom right (often a part of the object): judge size changes against it loosely.
      const lr = Math.abs(Math.log(ratio));
      const k = reference.samples < params.warmupFrames ? params.warmupAreaLooseness : 1;
      cues.push(['area-change', lin(-lr, -k * params.areaRatioBad, -k * params.areaRatioGood)]);
    }
    if (features.appearance) {
      const d = appearanceDistance(
        reference.appearance,
        features.appearance,
        params.contrastTolerance,
      );
      cues.push(['appearance', 1 - d]);
    }
  }
  if (features.overlap !== undefined) {
    cues.push(['jump', lin(features.overlap, params.overlapBad, params.overlapGood)]);
  }
  if (features.shiftRadii !== undefined) {
    const reach = features.reachRadii ?? params.searchRadii;
    cues.push(['jump', lin(-features.shiftRadii, -reach, -0.5 * reach)]);
  }
  let [reason, quality] = cues[0]!;
  for (const [cue, g] of cues) {
    if (g < quality) {
      quality = g;
      reason = cue;
    }
  }
  if (quality <= 0) return { verdict: 'bad', quality: 0, reason };
  if (quality < params.doubtfulBelow) return { verdict: 'doubtful', quality, reason };
  return { verdict: 'good', quality, reason: undefined };
}
