import { NO_ECHO_GREY } from './mask-geometry.ts';

/**
 * Every knob of prompt-propagation tracking and loss detection, with the values it ships with.
 * Lengths are pixels of the original frame; ratios are dimensionless. See docs/tracking.md.
 */
export interface TrackingParams {
  /** Box prompt: the previous mask's box grown by this fraction of its size on each side … */
  readonly boxMargin: number;
  /** … plus this many pixels (the largest expected motion between two updates). */
  readonly boxPadPx: number;
  /** Send the grown box with the re-placed interior point (else the point and the mask alone). */
  readonly useBox: boolean;
  /** Send the previous low-resolution logits as the mask input. */
  readonly useMaskPrior: boolean;
  /** Model score at which the score cue is bad (0) and fully good (1). */
  readonly scoreBad: number;
  readonly scoreGood: number;
  /** Area relative to the reference: |ln ratio| at which the area cue is bad / fully good. */
  readonly areaRatioBad: number;
  readonly areaRatioGood: number;
  /** IoU with the previous mask at which the overlap cue is bad / fully good. */
  readonly overlapBad: number;
  readonly overlapGood: number;
  /** Appearance: contrast difference that makes the cue bad (see appearanceDistance). */
  readonly contrastTolerance: number;
  /** A mask with at least this share of its boundary on the view's edge is leaving the view. */
  readonly borderShareLeaving: number;
  /**
   * Grey levels at or below this are outside the view (no echo data: beside a sector, black
   * margins); -1 where only the image's own edge bounds the view (volume slices).
   */
  readonly noEchoGrey: number;
  /** Leaving: visible area over the reference at which the cue is bad (lost) / fully good. */
  readonly visibleBad: number;
  readonly visibleGood: number;
  /** The same for a lost object coming back (hysteresis: taken back at a smaller fraction). */
  readonly reenterVisibleBad: number;
  readonly reenterVisibleGood: number;
  /** Quality below which an observation is doubtful (the object becomes 'uncertain'). */
  readonly doubtfulBelow: number;
  /** A mask smaller than this is empty. */
  readonly minAreaPx: number;
  /** A mask covering more than this fraction of the frame is a leak ('whole-frame'). */
  readonly maxFrameFraction: number;
  /**
   * While the reference is warming up (its first `warmupFrames` sightings), the area cue's bounds
   * are this many times wider (in log ratio): the seed's mask it started from is seldom right.
   */
  readonly warmupAreaLooseness: number;
  /**
   * Motion compensation: before decoding a tracked object, its re-placed point (and box) move by
   * the object's motion since it was seen, found by block matching up to this many pixels per axis
   * (0: off) …
   */
  readonly motionReachPx: number;
  /** … on grey levels smoothed by a box filter of this radius (speckle is not anatomy). */
  readonly motionBlurPx: number;
  /**
   * Re-centring: an object past its seed whose answer scores under `scoreGood` is also decoded from
   * points this many reference radii from its prompt's point (0: off) …
   */
  readonly recentreRadii: number;
  /** … in this many directions a frame (turning by 1/8 of a circle each); the answer most like the
   * object's learnt appearance and size stands. */
  readonly recentreProbes: number;
  /** Weight of a good observation in the reference area and appearance (slow: drift shows). */
  readonly referenceWeight: number;
  /**
   * Warm-up: the reference is the plain mean of the first this-many accepted observations after a
   * seed (doubtful ones included), then an exponential average with `referenceWeight`.
   */
  readonly warmupFrames: number;
  /** Re-acquisition: the search box is the last good box grown by this fraction … */
  readonly searchMargin: number;
  /** … and the candidate's centroid must lie within this many reference radii of the last one. */
  readonly searchRadii: number;
  /** … a reach that grows by this many pixels per frame the object is lost (it moves unseen) … */
  readonly searchGrowthPx: number;
  /** … up to this many radii. */
  readonly maxSearchRadii: number;
  /** An object that left the view is looked for within this many radii of where it left. */
  readonly edgeSearchRadii: number;
  /** Consecutive good probes needed to re-acquire a lost object. */
  readonly confirmFrames: number;
  /** Corrective points kept attached to a tracked object (newest first). */
  readonly maxCorrections: number;
  /**
   * Shown masks do not overlap: a pixel two objects claim goes to the smaller one (a vessel inside
   * an organ is a hole in it). The objects' own tracking state keeps the model's masks.
   */
  readonly exclusiveMasks: boolean;
}

export const DEFAULT_TRACKING_PARAMS: TrackingParams = {
  boxMargin: 0.2,
  boxPadPx: 6,
  useBox: false,
  useMaskPrior: true,
  scoreBad: 0.08,
  scoreGood: 0.3,
  areaRatioBad: Math.log(2),
  areaRatioGood: Math.log(1.3),
  overlapBad: 0.15,
  overlapGood: 0.5,
  contrastTolerance: 0.3,
  borderShareLeaving: 0.08,
  noEchoGrey: NO_ECHO_GREY,
  visibleBad: 0.62,
  visibleGood: 0.8,
  reenterVisibleBad: 0.45,
  reenterVisibleGood: 0.65,
  doubtfulBelow: 0.5,
  minAreaPx: 12,
  maxFrameFraction: 0.5,
  warmupAreaLooseness: 2,
  motionReachPx: 8,
  motionBlurPx: 4,
  recentreRadii: 0.3,
  recentreProbes: 2,
  referenceWeight: 0.1,
  warmupFrames: 10,
  searchMargin: 0.5,
  searchRadii: 1.5,
  searchGrowthPx: 2,
  maxSearchRadii: 6,
  edgeSearchRadii: 3,
  confirmFrames: 2,
  maxCorrections: 4,
  exclusiveMasks: true,
};

/**
 * How far (in radii of an object of `radius` px) to look for it after `framesLost` frames; an
 * object that left the view is looked for along the edge where it left (a fixed reach).
 */
export function searchReachRadii(
  params: TrackingParams,
  radius: number,
  framesLost: number,
  leftView = false,
): number {
  if (leftView) return params.edgeSearchRadii;
  return Math.min(
    params.maxSearchRadii,
    params.searchRadii + (params.searchGrowthPx * framesLost) / Math.max(radius, 1),
  );
}

/**
 * The defaults for a model family. The built-in star-HMM reads a box as "object inside, background
 * in the ring inside the box" and tracks better from the re-placed point and the mask prior alone;
 * SAM-family decoders are trained on boxes and get the grown box as well.
 */
export function trackingParamsFor(family: string): TrackingParams {
  return family === 'builtin'
    ? DEFAULT_TRACKING_PARAMS
    : { ...DEFAULT_TRACKING_PARAMS, useBox: true };
}
