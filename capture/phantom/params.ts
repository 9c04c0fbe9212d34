/** Phantom parameters: their type, the 'hard' (default) and 'easy' presets, and validation. */

/** Field of view: a fan (curvilinear / phased array, black outside) or a rectangle (linear array). */
export type PhantomGeometry = 'sector' | 'linear';

/** Which preset supplies the defaults; explicit parameters always override it. */
export type PhantomDifficulty = 'hard' | 'easy';

/**
 * Every knob of the phantom. Lengths marked "at 512 px" are scaled by min(width, height) / 512;
 * all other lengths are in pixels of the generated image. See docs/phantom.md.
 */
export interface PhantomParams {
  /** Image width in pixels (64..4096). */
  readonly width: number;
  /** Image height in pixels (64..4096). */
  readonly height: number;
  /** Scene and noise seed (any integer; used modulo 2^32). */
  readonly seed: number;
  /** Preset that supplied the defaults. */
  readonly difficulty: PhantomDifficulty;
  readonly geometry: PhantomGeometry;
  /** Full opening angle of the sector, degrees (sector only). */
  readonly sectorAngleDeg: number;
  /** Inner radius / outer radius of the sector: 0 = phased array apex, ~0.15-0.3 = curvilinear. */
  readonly apexDepthFraction: number;
  /** Frame rate; frame index t is at time t / fps seconds. */
  readonly fps: number;
  /** Number of hypo-/anechoic structures (cysts, vessels, an organ); reflectors come on top. */
  readonly structureCount: number;
  /** Echo level of a structure relative to surrounding tissue, dB [min, max] (both ≤ 0 usually). */
  readonly contrastDbRange: readonly [number, number];
  /** Largest radial deviation of a boundary from its ellipse, as a fraction of the radius. */
  readonly irregularity: number;
  /** Largest centroid displacement of any structure between consecutive frames, px at 512 px. */
  readonly maxMotionPx: number;
  /** Relative radius change of vessels over a cardiac cycle (1.2 Hz). */
  readonly vesselPulsation: number;
  /** Place the first two vessels so that their walls touch (or nearly) and move together. */
  readonly touchingPair: boolean;
  /** Sweep one structure out of the field of view and back, with a period of 10-14 s. */
  readonly leaveAndReenter: boolean;
  /** Probability that a structure carries a bright reflector (calcification) that casts a shadow. */
  readonly shadowProbability: number;
  /** Echo change in an acoustic shadow, dB (negative). */
  readonly shadowDb: number;
  /** Echo level of reflectors relative to tissue, dB [min, max]. */
  readonly reflectorDbRange: readonly [number, number];
  /** Posterior acoustic enhancement below fluid structures (contrast ≤ -14 dB), dB. */
  readonly posteriorEnhancementDb: number;
  /** Brightness of the wall band just outside a vessel, dB (0 = no wall). */
  readonly vesselWallDb: number;
  /** Lateral FWHM of the point-spread function (speckle grain width) at mid depth, px. */
  readonly speckleSizePx: number;
  /** Axial FWHM of the point-spread function as a fraction of the lateral one. */
  readonly axialToLateral: number;
  /** Fraction of speckle power that is refreshed every frame (0 = frozen speckle). */
  readonly speckleDecorrelation: number;
  /** Round-trip tissue attenuation at the deepest point of the field of view, dB. */
  readonly attenuationDb: number;
  /** Fraction of the attenuation that time-gain compensation gives back (0..1). */
  readonly tgcCompensation: number;
  /** Electronic noise level relative to tissue echo at zero depth, dB (amplified by TGC). */
  readonly noiseDb: number;
  /** Display dynamic range of the log compression, dB. */
  readonly dynamicRangeDb: number;
  /** Display gain: the tissue echo RMS at zero depth is shown at dynamicRangeDb + gainDb dB. */
  readonly gainDb: number;
}

const HARD: PhantomParams = {
  width: 512,
  height: 512,
  seed: 1,
  difficulty: 'hard',
  geometry: 'sector',
  sectorAngleDeg: 60,
  apexDepthFraction: 0.15,
  fps: 30,
  structureCount: 5,
  contrastDbRange: [-20, -6],
  irregularity: 0.15,
  maxMotionPx: 6,
  vesselPulsation: 0.05,
  touchingPair: true,
  leaveAndReenter: true,
  shadowProbability: 0.25,
  shadowDb: -16,
  reflectorDbRange: [12, 18],
  posteriorEnhancementDb: 3,
  vesselWallDb: 6,
  speckleSizePx: 4,
  axialToLateral: 0.5,
  speckleDecorrelation: 0.12,
  attenuationDb: 30,
  tgcCompensation: 0.7,
  noiseDb: -50,
  dynamicRangeDb: 60,
  gainDb: -30,
};

const EASY: PhantomParams = {
  ...HARD,
  difficulty: 'easy',
  structureCount: 3,
  contrastDbRange: [-20, -12],
  irregularity: 0.05,
  maxMotionPx: 2,
  vesselPulsation: 0.02,
  touchingPair: false,
  leaveAndReenter: false,
  shadowProbability: 0,
  posteriorEnhancementDb: 0,
  speckleDecorrelation: 0.05,
  attenuationDb: 20,
  tgcCompensation: 0.8,
};

/** The full parameter set of a preset. */
export function presetParams(difficulty: PhantomDifficulty): PhantomParams {
  return difficulty === 'easy' ? EASY : HARD;
}

/** The defaults: the 'hard' preset. */
export const DEFAULT_PHANTOM_PARAMS: PhantomParams = HARD;

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`phantom: ${what}`);
}

function inRange(v: number, lo: number, hi: number): boolean {
  return Number.isFinite(v) && v >= lo && v <= hi;
}

/**
 * Fills unspecified (or undefined) fields from the preset named by `overrides.difficulty` (default
 * 'hard') and validates the result; throws RangeError on an invalid value.
 */
export function resolveParams(overrides: Partial<PhantomParams> = {}): PhantomParams {
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as Partial<PhantomParams>;
  const p: PhantomParams = { ...presetParams(defined.difficulty ?? 'hard'), ...defined };
  check(p.difficulty === 'hard' || p.difficulty === 'easy', 'difficulty must be hard or easy');
  check(p.geometry === 'sector' || p.geometry === 'linear', 'geometry must be sector or linear');
  check(
    Number.isInteger(p.width) && inRange(p.width, 64, 4096),
    'width must be an integer 64..4096',
  );
  check(
    Number.isInteger(p.height) && inRange(p.height, 64, 4096),
    'height must be an integer 64..4096',
  );
  check(Number.isInteger(p.seed), 'seed must be an integer');
  check(inRange(p.sectorAngleDeg, 10, 150), 'sectorAngleDeg must be 10..150');
  check(inRange(p.apexDepthFraction, 0, 0.8), 'apexDepthFraction must be 0..0.8');
  check(inRange(p.fps, 1, 1000), 'fps must be 1..1000');
  check(
    Number.isInteger(p.structureCount) && inRange(p.structureCount, 0, 60),
    'structureCount must be an integer 0..60',
  );
  const [cLo, cHi] = p.contrastDbRange;
  check(
    inRange(cLo, -60, 20) && inRange(cHi, cLo, 20),
    'contrastDbRange must be [lo, hi] with -60 ≤ lo ≤ hi ≤ 20',
  );
  const [rLo, rHi] = p.reflectorDbRange;
  check(
    inRange(rLo, 0, 40) && inRange(rHi, rLo, 40),
    'reflectorDbRange must be [lo, hi] with 0 ≤ lo ≤ hi ≤ 40',
  );
  check(inRange(p.irregularity, 0, 0.5), 'irregularity must be 0..0.5');
  check(inRange(p.maxMotionPx, 0, 64), 'maxMotionPx must be 0..64');
  check(inRange(p.vesselPulsation, 0, 0.3), 'vesselPulsation must be 0..0.3');
  check(inRange(p.shadowProbability, 0, 1), 'shadowProbability must be 0..1');
  check(inRange(p.shadowDb, -60, 0), 'shadowDb must be -60..0');
  check(inRange(p.posteriorEnhancementDb, 0, 20), 'posteriorEnhancementDb must be 0..20');
  check(inRange(p.vesselWallDb, 0, 30), 'vesselWallDb must be 0..30');
  check(inRange(p.speckleSizePx, 1, 32), 'speckleSizePx must be 1..32');
  check(inRange(p.axialToLateral, 0.1, 4), 'axialToLateral must be 0.1..4');
  check(inRange(p.speckleDecorrelation, 0, 1), 'speckleDecorrelation must be 0..1');
  check(inRange(p.attenuationDb, 0, 120), 'attenuationDb must be 0..120');
  check(inRange(p.tgcCompensation, 0, 1), 'tgcCompensation must be 0..1');
  check(inRange(p.noiseDb, -200, 0), 'noiseDb must be -200..0');
  check(inRange(p.dynamicRangeDb, 10, 120), 'dynamicRangeDb must be 10..120');
  check(inRange(p.gainDb, -120, 60), 'gainDb must be -120..60');
  check(
    typeof p.touchingPair === 'boolean' && typeof p.leaveAndReenter === 'boolean',
    'touchingPair and leaveAndReenter must be booleans',
  );
  return p;
}

/** Scale of "at 512 px" lengths for this image size. */
export function sceneScale(p: Pick<PhantomParams, 'width' | 'height'>): number {
  return Math.min(p.width, p.height) / 512;
}
