/**
 * Motion over time, as closed-form functions of time (so any frame can be computed directly):
 * translation as a sum of sinusoids plus an optional out-and-back sweep, and smooth deformation of
 * the boundary (slowly drifting Fourier coefficients, a small rotation, vessel pulsation).
 */
import { MAX_HARMONIC, type StructureShape } from './shape.ts';

/** A displacement along (dx, dy) of amplitude |(dx, dy)|: offset = (dx, dy) · sin(omega t + phase). */
export interface Oscillation {
  readonly dx: number;
  readonly dy: number;
  /** Angular frequency, rad/s. */
  readonly omega: number;
  readonly phase: number;
}

/** Translation of a structure's centre relative to its rest position. */
export interface Trajectory {
  readonly oscillations: readonly Oscillation[];
  /** Out-and-back sweep: offset = (dx, dy) · (1 − cos(omega t + phase)) / 2, or null. */
  readonly sweep: Oscillation | null;
}

export interface Harmonic {
  /** Harmonic order k (2..MAX_HARMONIC). */
  readonly k: number;
  /** Largest relative amplitude; the amplitude drifts within [(1 − ampWobble) amp, amp]. */
  readonly amp: number;
  readonly ampWobble: number;
  readonly ampOmega: number;
  readonly ampPhase: number;
  /** Orientation of the lobe pattern: phase + phaseWobble · sin(phaseOmega t + phasePhase). */
  readonly phase: number;
  readonly phaseWobble: number;
  readonly phaseOmega: number;
  readonly phasePhase: number;
}

/** Everything about a structure's outline except where it is. */
export interface Deformation {
  /** Semi-axes at rest, px. */
  readonly a: number;
  readonly b: number;
  readonly harmonics: readonly Harmonic[];
  /** Orientation: rotation + rotationWobble · sin(rotationOmega t + rotationPhase), rad. */
  readonly rotation: number;
  readonly rotationWobble: number;
  readonly rotationOmega: number;
  readonly rotationPhase: number;
  /** Relative radius change: scale = 1 + pulsation · sin(pulseOmega t + pulsePhase). */
  readonly pulsation: number;
  readonly pulseOmega: number;
  readonly pulsePhase: number;
}

export const NO_MOTION: Trajectory = { oscillations: [], sweep: null };

/** Displacement of the centre at time tSec (seconds). */
export function trajectoryOffset(tr: Trajectory, tSec: number): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (const o of tr.oscillations) {
    const s = Math.sin(o.omega * tSec + o.phase);
    x += o.dx * s;
    y += o.dy * s;
  }
  if (tr.sweep !== null) {
    const w = (1 - Math.cos(tr.sweep.omega * tSec + tr.sweep.phase)) / 2;
    x += tr.sweep.dx * w;
    y += tr.sweep.dy * w;
  }
  return { x, y };
}

/** An upper bound of the speed of the centre, px/s (triangle inequality over the terms). */
export function trajectorySpeedBound(tr: Trajectory): number {
  let v = 0;
  for (const o of tr.oscillations) v += Math.hypot(o.dx, o.dy) * o.omega;
  if (tr.sweep !== null) v += (Math.hypot(tr.sweep.dx, tr.sweep.dy) * tr.sweep.omega) / 2;
  return v;
}

/** Largest total relative boundary modulation Σ amp (the irregularity of this structure). */
export function deformationIrregularity(d: Deformation): number {
  return d.harmonics.reduce((sum, h) => sum + h.amp, 0);
}

/** An upper bound of the distance from the centre to the boundary at any time, px. */
export function deformationBoundingRadius(d: Deformation): number {
  return Math.max(d.a, d.b) * (1 + deformationIrregularity(d)) * (1 + d.pulsation);
}

/** The outline at time tSec, centred at (cx, cy). */
export function shapeAt(d: Deformation, cx: number, cy: number, tSec: number): StructureShape {
  const harmonicsCos = new Float64Array(MAX_HARMONIC + 1);
  const harmonicsSin = new Float64Array(MAX_HARMONIC + 1);
  for (const h of d.harmonics) {
    const amp = h.amp * (1 - h.ampWobble * (0.5 + 0.5 * Math.sin(h.ampOmega * tSec + h.ampPhase)));
    const phase = h.phase + h.phaseWobble * Math.sin(h.phaseOmega * tSec + h.phasePhase);
    harmonicsCos[h.k] = (harmonicsCos[h.k] ?? 0) + amp * Math.cos(phase);
    harmonicsSin[h.k] = (harmonicsSin[h.k] ?? 0) + amp * Math.sin(phase);
  }
  const rot = d.rotation + d.rotationWobble * Math.sin(d.rotationOmega * tSec + d.rotationPhase);
  const scale = 1 + d.pulsation * Math.sin(d.pulseOmega * tSec + d.pulsePhase);
  return {
    cx,
    cy,
    cosRot: Math.cos(rot),
    sinRot: Math.sin(rot),
    a: d.a * scale,
    b: d.b * scale,
    harmonicsCos,
    harmonicsSin,
    boundingRadius: deformationBoundingRadius(d),
  };
}
