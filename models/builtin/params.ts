/**
 * Parameters of the built-in model ("star-HMM"): every tunable number in one place, with its
 * meaning. Changing any value changes the generated ONNX files and so their checksums.
 */
export const BUILTIN_PARAMS = {
  /** Model input side (longest side resized to this, padded bottom/right). */
  inputSize: 256,
  /** The encoder averages 2×2 blocks: feature grid side = inputSize / 2. */
  gridSize: 128,
  /** Gaussian σ (grid px) of the edge-scale image whose gradient gives boundary evidence. */
  edgeSigma: 1.5,
  /** Gaussian σ (grid px) of the region-scale image used for the interior appearance model. */
  regionSigma: 3,
  /** Number of rays (angles) of the polar contour model. */
  rays: 48,
  /** Number of log-spaced radii per ray. */
  radii: 72,
  /** Smallest sampled radius (model-input px). */
  minRadius: 2,
  /** Largest radial jump between neighbouring rays, in radius samples. */
  maxJump: 3,
  /** Smoothness: transition weight exp(-smoothness · jump²). */
  smoothness: 0.6,
  /** Rays added on each side when unrolling the circular chain. */
  wrapRays: 12,
  /** Weight of the boundary (radial gradient) evidence. */
  edgeWeight: 1.2,
  /** Saturation of the gradient evidence (in units of the mean gradient). */
  edgeCap: 4,
  /** Weight of the scale-adaptive step evidence (mean outside − mean inside, windows ∝ r). */
  stepWeight: 0,
  /** The step windows span [r/stepRatio, r] and [r, r·stepRatio]. */
  stepRatio: 1.25,
  /** Saturation of the step evidence (in image standard deviations). */
  stepCap: 3,
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
  /** Radius (model px) around a point prompt taken as the interior sample; boxes use a fraction. */
  seedRadius: 8,
  seedBoxFraction: 0.3,
  /** Smallest plausible object radius (model px) for point prompts. */
  minObjectRadius: 4,
  /** Log-evidence penalty for a contour that contradicts a corrective click (near-hard). */
  clickPenalty: 200,
  /** Weight of the previous-mask prior on log radius. */
  previousMaskWeight: 8,
  /** Posterior sharpening exponent before taking the mean radius. */
  sharpen: 2,
  /** Logit scale: logits are signed distances in grid px, clipped to ±logitClip. */
  logitClip: 20,
} as const;

export type BuiltinParams = typeof BUILTIN_PARAMS;
