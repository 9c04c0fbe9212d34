/**
 * Parameters of the built-in model ("star-HMM"): every tunable number in one place, with its
 * meaning. Changing any value changes the generated ONNX files and so their checksums.
 */
export const BUILTIN_PARAMS = {
  /** Model input side (longest side resized to this, padded bottom/right). */
  inputSize: 256,
  /** The encoder averages 2×2 blocks: feature grid side = inputSize / 2. */
  gridSize: 128,
  /**
   * Gaussian σ (grid px) of the smoothed images the encoder provides for the appearance model; the
   * decoder reads a sample at radius r from the scale nearest r / regionScaleDivisor (scale-adaptive).
   */
  regionScales: [1, 2, 4],
  regionScaleDivisor: 5,
  /** Gaussian σ (grid px) of the images whose gradients give boundary evidence, and their divisor. */
  edgeScales: [1, 1.5],
  edgeScaleDivisor: 8,
  /** Region-scale intensity (0–1) at or below which a pixel is taken as 'no echo data' (outside the view). */
  noDataLevel: 0.002,
  /** Edges with no echo data within r · noDataMarginRatio further out are ignored (view border). */
  noDataMarginRatio: 1.15,
  /** Number of rays (angles) of the polar contour model. */
  rays: 48,
  /** Number of log-spaced radii per ray. */
  radii: 72,
  /** Smallest sampled radius (model-input px). */
  minRadius: 2,
  /** Largest radial jump between neighbouring rays, in radius samples. */
  maxJump: 3,
  /** Smoothness: transition weight exp(-smoothness · jump²) (capped for a box alone, below). */
  smoothness: 0.6,
  /**
   * A box alone: the cost of a radius jump between neighbouring rays is capped at this (log
   * evidence), and jumps of up to `boxMaxJump` samples are allowed, so the contour can turn the sharp
   * corner of a notch (a reflector or vessel indenting a cyst or an organ) at a bounded cost. The box
   * bounds every ray, so a jump cannot run far; for a tap it could, and a capped cost let the
   * contours of HC18's heads spike out (0.852 → 0.74–0.81), so points keep the quadratic cost.
   */
  boxJumpCostCap: 6,
  boxMaxJump: 12,
  /**
   * Log-evidence cost of a radius jump beyond the band (maxJump, or boxMaxJump for a box alone).
   * The band used to be hard: such a jump had probability 0, and clicks no smooth contour can meet
   * (a negative click on one ray, a positive one farther out on the next: a vessel between the tap
   * and the rest of an organ) left the chain without a path. The posterior was then zero on every
   * ray and the contour collapsed to the centre (phantom organs: Dice 0.80 → 0.003 on the next
   * click). 80 is high enough that any path within the band wins (fresh prompts and tracking are
   * unchanged) and low enough for float32 (e^-80 ≈ 2e-35).
   */
  jumpFloorCost: 80,
  /** Rays added on each side when unrolling the circular chain. */
  wrapRays: 12,
  /** Weight of the boundary (radial gradient) evidence. */
  edgeWeight: 1.2,
  /** Saturation of the gradient evidence (in units of the mean gradient). */
  edgeCap: 4,
  /** Weight of the region (interior appearance) cost. */
  regionWeight: 6,
  /** Box prompts: samples beyond this fraction of the way to the box edge form the background model. */
  boxRingFraction: 0.85,
  /** Box prompts: scale of the two-class region cost relative to the point-prompt region cost. */
  boxRegionScale: 0.75,
  /** Width (std units of the normalised image) of the interior appearance model. */
  appearanceWidth: 0.7,
  /** The outside band used by the region cost spans [r, bandRatio · r]. */
  bandRatio: 1.4,
  /**
   * Point prompts: how much a band sample with no echo data (past the edge of a sector, a black
   * margin) counts as looking like the interior. Black was "unlike the interior", so a contour
   * just inside the view's edge had a perfect outside band and a tap on a weak-edged object ran on
   * to the edge. Unknown is neither: an even chance (0.5).
   */
  noDataBandSim: 0.5,
  /**
   * A prompt without a box is also decoded with a narrower interior model (`nestedWidth`, std
   * units), and that contour is taken when every positive click lies inside it, its area is between
   * `nestedMinAreaRatio` and `nestedAreaRatio` of the broad one's, it scores at least as well and
   * above `nestedMinScore`, and the mean level inside it is below that of the rest of the broad
   * one's region by more than `nestedSeparation` (in units of the two regions' mean spread): a
   * darker structure nested in a larger one of similar echo (a vessel in an organ), which the broad
   * model runs over. With a previous mask (a tracked object, a corrective click) it must also keep
   * at least `nestedHistoryRatio` of that mask's area.
   */
  nestedWidth: 0.4,
  nestedAreaRatio: 0.3,
  nestedMinAreaRatio: 0.03,
  nestedHistoryRatio: 0.5,
  nestedSeparation: 0.6,
  nestedMinScore: 0.15,
  /** Point prompts: smallest radius (model px) of the interior sample; boxes use a fraction of the box. */
  seedRadius: 8,
  /** Point prompts: a sample at radius r is compared with the interior within r / interiorRatio. */
  interiorRatio: 2,
  /**
   * Box prompts: the interior sample is the disc of this fraction of the box's smaller half-side
   * around its centre (large, so a cyst or vessel at the centre of a box around an organ does not
   * become "the interior"; below boxRingFraction, so it stays clear of the background ring).
   */
  seedBoxFraction: 0.75,
  /**
   * The same with a positive point as well as the box (the tracker's box hypothesis: the previous
   * mask's box, grown by 20 %, with a point at its deepest pixel). Such a box hugs the object, and
   * the large sample reached past its edge: tracking on the development seeds fell from 0.759 to
   * 0.731 with 0.75 here.
   */
  seedBoxPointFraction: 0.3,
  /** Index (into regionScales) of the scale at which the interior sample is read. */
  seedScaleIndex: 2,
  /** Smallest plausible object radius (model px) for point prompts. */
  minObjectRadius: 4,
  /** Log-evidence penalty for a contour that contradicts a corrective click (near-hard). */
  clickPenalty: 200,
  /**
   * A contour point beyond this fraction of its ray's reach "runs into the bounds" (the view's
   * edge, a black margin, the image's edge, or the box). Used by the point-prompt penalty below and
   * by the score's leak test.
   */
  boundFraction: 0.92,
  /**
   * Point prompts: log-evidence penalty for a contour point that runs into the bounds (see
   * boundFraction). A preference for larger contours (0.15 per unit of log radius) was dropped
   * when this came in: without it the figures were the same or better on every set.
   */
  boundPenalty: 3,
  /**
   * A box alone (no positive point) is drawn around its object, so the contour should not stay far
   * inside it: a contour point nearer the centre than this fraction of its ray's way to the box edge
   * costs up to `boxFillPenalty` (linearly, full at the centre). 0.3: an ellipse in a box loosened
   * by 40 % on one side (the evaluation's worst case) still reaches 0.43 of the way along the axes
   * and 0.3 along the diagonals, so no such object is penalised; a vessel at the centre of a box
   * drawn around the organ that holds it is. A box with a positive point is the tracker's (a probe
   * of scale around a tap, or the last mask's box) and is not held to this.
   */
  boxFillFraction: 0.3,
  boxFillPenalty: 5,
  /** Weight of the previous-mask prior on log radius. */
  previousMaskWeight: 0.5,
  /** Posterior sharpening exponent before taking the mean radius. */
  sharpen: 2,
  /**
   * Grid px added to the contour's radius when it is rasterised. The region cost calls a sample
   * "interior" only while it lies within `appearanceWidth` of the interior's level, so on an edge
   * blurred by the appearance scale the contour settles on the inner part of the transition.
   */
  contourOffset: 0.25,
  /** Logit scale: logits are signed distances in grid px, clipped to ±logitClip. */
  logitClip: 20,
};

export type BuiltinParams = typeof BUILTIN_PARAMS;

/** Channels of the built-in embedding: one smoothed image per region scale, then ∂x, ∂y per edge scale. */
export function embeddingChannels(p: BuiltinParams): number {
  return p.regionScales.length + 2 * p.edgeScales.length;
}
