/** Draws random outlines (ellipse, Fourier harmonics, drift) and oscillations within a speed budget. */
import type { Deformation, Harmonic, Oscillation } from './motion.ts';
import { MAX_HARMONIC } from './shape.ts';
import type { SeededRandom } from './seeded-random.ts';

const TWO_PI = 2 * Math.PI;

/** A random outline of semi-axes a, b; `animated` makes it drift slowly over time. */
export function drawDeformation(
  rng: SeededRandom,
  a: number,
  b: number,
  irregularity: number,
  pulsation: number,
  animated: boolean,
): Deformation {
  const weights: number[] = [];
  for (let k = 2; k <= MAX_HARMONIC; k++) weights.push(rng.uniform(0.3, 1) / Math.pow(k, 0.8));
  const total = weights.reduce((s, w) => s + w, 0);
  const irr = irregularity * rng.uniform(0.7, 1);
  const harmonics: Harmonic[] = weights.map((w, j) => ({
    k: j + 2,
    amp: (irr * w) / total,
    ampWobble: animated ? rng.uniform(0.2, 0.5) : 0,
    ampOmega: TWO_PI / rng.uniform(4, 10),
    ampPhase: rng.uniform(0, TWO_PI),
    phase: rng.uniform(0, TWO_PI),
    phaseWobble: animated ? rng.uniform(0.2, 0.6) : 0,
    phaseOmega: TWO_PI / rng.uniform(5, 12),
    phasePhase: rng.uniform(0, TWO_PI),
  }));
  return {
    a,
    b,
    harmonics,
    rotation: rng.uniform(0, Math.PI),
    rotationWobble: animated ? rng.uniform(0.05, 0.15) : 0,
    rotationOmega: TWO_PI / rng.uniform(6, 12),
    rotationPhase: rng.uniform(0, TWO_PI),
    pulsation,
    pulseOmega: TWO_PI * rng.uniform(1.0, 1.4),
    pulsePhase: rng.uniform(0, TWO_PI),
  };
}

/**
 * Two oscillations in random directions — a quick one carrying 60-80 % of `speed` and a slower one
 * carrying the rest — each with amplitude at most `maxAmp`; their speed bound is at most `speed` px/s.
 */
export function drawOscillations(rng: SeededRandom, speed: number, maxAmp: number): Oscillation[] {
  const quick = rng.uniform(0.6, 0.8);
  const parts: [number, number, number][] = [
    [quick, 1, 5],
    [1 - quick, 4, 12],
  ];
  return parts.map(([share, pLo, pHi]) => {
    const angle = rng.uniform(0, TWO_PI);
    const omega = TWO_PI / rng.uniform(pLo, pHi);
    const amp = Math.min(maxAmp, (Math.max(speed, 0) * share) / omega);
    return {
      dx: amp * Math.cos(angle),
      dy: amp * Math.sin(angle),
      omega,
      phase: rng.uniform(0, TWO_PI),
    };
  });
}

/** Sum of the oscillation amplitudes: the farthest the centre can get from rest, px. */
export function amplitudeSum(oscillations: readonly Oscillation[]): number {
  return oscillations.reduce((s, o) => s + Math.hypot(o.dx, o.dy), 0);
}
