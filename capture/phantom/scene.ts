/**
 * The scene: which structures exist (organ, vessels, cysts, reflectors), their echo levels, where they
 * rest, how they move and deform — all drawn once from the seed — and their outlines at any time.
 *
 * Structure ids are 1-based and give the drawing order: a higher id is drawn over a lower one.
 */
import type { FieldOfView } from './field-of-view.ts';
import {
  deformationBoundingRadius,
  NO_MOTION,
  shapeAt,
  trajectoryOffset,
  trajectorySpeedBound,
  type Deformation,
  type Oscillation,
  type Trajectory,
} from './motion.ts';
import { sceneScale, type PhantomParams } from './params.ts';
import { discInside, findRestPosition, radiusAlong, type Placed } from './placement.ts';
import { amplitudeSum, drawDeformation, drawOscillations } from './random-motion.ts';
import type { StructureShape } from './shape.ts';
import { seededRandom } from './seeded-random.ts';
import { mixSeed, Stream } from './seed-mix.ts';

export type StructureKind = 'organ' | 'vessel' | 'cyst' | 'reflector';

export interface StructureSpec {
  readonly id: number;
  readonly kind: StructureKind;
  /** Echo level inside relative to the tissue around it, dB. */
  readonly contrastDb: number;
  /** Bright wall band just outside the boundary (vessels): level dB (0 = none) and width px. */
  readonly wallDb: number;
  readonly wallWidthPx: number;
  /** Rest position of the centre (a follower's rest is relative to its leader's motion). */
  readonly restX: number;
  readonly restY: number;
  readonly deformation: Deformation;
  /** Own translation; a follower adds its leader's translation to it. */
  readonly trajectory: Trajectory;
  /** Id of the structure whose translation this one shares (a lower id), or 0. */
  readonly follows: number;
  /** Bright reflector casting an acoustic shadow below it. */
  readonly castsShadow: boolean;
  /** Fluid structure giving posterior acoustic enhancement below it. */
  readonly enhancesBelow: boolean;
}

export interface Scene {
  readonly structures: readonly StructureSpec[];
  /** Id of the structure that sweeps out of the field of view and back, or 0. */
  readonly wandererId: number;
  /** Ids of the structures placed touching each other, or null. */
  readonly touchingPair: readonly [number, number] | null;
}

const TWO_PI = 2 * Math.PI;

/** Centre translation of every structure at tSec (index = id − 1), leaders resolved. */
export function sceneOffsets(scene: Scene, tSec: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const s of scene.structures) {
    const own = trajectoryOffset(s.trajectory, tSec);
    const lead = s.follows > 0 ? out[s.follows - 1] : undefined;
    out.push(lead === undefined ? own : { x: own.x + lead.x, y: own.y + lead.y });
  }
  return out;
}

/** Outline of every structure at tSec (index = id − 1). */
export function sceneShapesAt(scene: Scene, tSec: number): StructureShape[] {
  const offsets = sceneOffsets(scene, tSec);
  return scene.structures.map((s, i) => {
    const o = offsets[i] ?? { x: 0, y: 0 };
    return shapeAt(s.deformation, s.restX + o.x, s.restY + o.y, tSec);
  });
}

interface Draft {
  kind: StructureKind;
  contrastDb: number;
  wallDb: number;
  deformation: Deformation;
  trajectory: Trajectory;
  follows: number;
  restX: number;
  restY: number;
}

export function buildScene(p: PhantomParams, fov: FieldOfView): Scene {
  const rng = seededRandom(mixSeed(p.seed, Stream.scene));
  const s = sceneScale(p);
  const vMax = 0.9 * p.maxMotionPx * s * p.fps; // px/s; the rest of maxMotionPx is kept for deformation
  const [cLo, cHi] = p.contrastDbRange;
  const span = cHi - cLo;

  const breathOmega = TWO_PI / rng.uniform(3.5, 5);
  const breathAngle = Math.PI / 2 + rng.uniform(-0.35, 0.35);
  const breathAmp = Math.min(4 * s, (0.1 * vMax) / breathOmega);
  const breathing: Oscillation = {
    dx: breathAmp * Math.cos(breathAngle),
    dy: breathAmp * Math.sin(breathAngle),
    omega: breathOmega,
    phase: rng.uniform(0, TWO_PI),
  };
  // Probe motion: a drift that every structure shares (the whole image content moves together).
  const shared = drawOscillations(rng, 0.4 * vMax * rng.uniform(0.6, 1), 20 * s);
  const common = { oscillations: [breathing, ...shared], sweep: null };
  const commonSpeed = trajectorySpeedBound(common);
  const commonRoom = amplitudeSum(common.oscillations);
  const pairReserve = 0.05 * vMax;
  const sweepReserve = 0.35 * vMax;

  // Kinds in drawing order.
  const n = p.structureCount;
  const kinds: StructureKind[] = [];
  if (n >= 4) kinds.push('organ');
  const pairAt = p.touchingPair && n - kinds.length >= 2 ? kinds.length : -1;
  if (pairAt >= 0) kinds.push('vessel', 'vessel');
  while (kinds.length < n) kinds.push(kinds.length % 2 === 0 ? 'vessel' : 'cyst');
  let wandererIndex = -1;
  if (p.leaveAndReenter && n > 0 && vMax > 0) {
    wandererIndex = n - 1;
    while (
      wandererIndex > 0 &&
      (kinds[wandererIndex] === 'organ' || wandererIndex === pairAt + 1)
    ) {
      wandererIndex--;
    }
  }

  const drafts: Draft[] = [];
  const radii: number[] = [];

  const sizeOf = (kind: StructureKind): [number, number] => {
    const [lo, hi, aLo, aHi] =
      kind === 'organ'
        ? [65, 100, 0.5, 0.75]
        : kind === 'vessel'
          ? [17, 32, 0.65, 0.95]
          : kind === 'cyst'
            ? [20, 46, 0.6, 0.95]
            : [4, 8, 0.5, 0.8];
    const a = Math.max(1, rng.uniform(lo, hi) * s);
    return [a, Math.max(1, a * rng.uniform(aLo, aHi))];
  };
  const contrastOf = (kind: StructureKind): number =>
    kind === 'organ'
      ? cLo + span * rng.uniform(0.6, 1)
      : kind === 'vessel'
        ? cLo + span * rng.uniform(0, 0.5)
        : cLo + span * rng.uniform(0, 0.3);

  // Looks first, so a pair host can be placed knowing its partner's size.
  const looks = kinds.map((kind) => {
    const [a, b] = sizeOf(kind);
    const pulsation = kind === 'vessel' ? p.vesselPulsation * rng.uniform(0.7, 1) : 0;
    const deformation = drawDeformation(rng, a, b, p.irregularity, pulsation, true);
    const contrastDb = contrastOf(kind);
    const wallDb = kind === 'vessel' ? p.vesselWallDb * rng.uniform(0.5, 1) : 0;
    return {
      kind,
      contrastDb,
      wallDb,
      deformation,
      radius: deformationBoundingRadius(deformation),
    };
  });

  for (let i = 0; i < n; i++) {
    const look = looks[i];
    if (look === undefined) break;
    const { radius, deformation } = look;
    const base = { kind: look.kind, contrastDb: look.contrastDb, wallDb: look.wallDb, deformation };

    if (i === pairAt + 1 && pairAt >= 0) {
      // Partner of a touching pair: shares the host's translation, plus a small relative drift.
      const host = drafts[pairAt];
      if (host === undefined) throw new Error('phantom: touching pair without host');
      const relOmega = TWO_PI / rng.uniform(5, 9);
      const relAmp = vMax > 0 ? Math.min(1.5 * s, pairReserve / relOmega) : 0;
      const relAngle = rng.uniform(0, TWO_PI);
      const rel: Trajectory = {
        oscillations: [
          {
            dx: relAmp * Math.cos(relAngle),
            dy: relAmp * Math.sin(relAngle),
            omega: relOmega,
            phase: rng.uniform(0, TWO_PI),
          },
        ],
        sweep: null,
      };
      const hostOffset = trajectoryOffset(host.trajectory, 0);
      const hostShape = shapeAt(
        host.deformation,
        host.restX + hostOffset.x,
        host.restY + hostOffset.y,
        0,
      );
      const ownShape = shapeAt(deformation, 0, 0, 0);
      const relOffset = trajectoryOffset(rel, 0);
      const gap = rng.uniform(0, 1.5) * s;
      const room = radius + amplitudeSum(host.trajectory.oscillations) + relAmp + 3 * s;
      let rest = { x: hostShape.cx, y: hostShape.cy };
      for (let attempt = 0; attempt < 24; attempt++) {
        const phi = (rng.next() < 0.5 ? 0 : Math.PI) + rng.uniform(-0.6, 0.6);
        const ux = Math.cos(phi);
        const uy = Math.sin(phi);
        const dist = radiusAlong(hostShape, ux, uy) + radiusAlong(ownShape, -ux, -uy) + gap;
        const x = hostShape.cx + ux * dist;
        const y = hostShape.cy + uy * dist;
        rest = { x: x - hostOffset.x - relOffset.x, y: y - hostOffset.y - relOffset.y };
        if (discInside(fov, x, y, room)) break;
      }
      drafts.push({ ...base, trajectory: rel, follows: pairAt + 1, restX: rest.x, restY: rest.y });
      radii.push(radius + relAmp + amplitudeSum(host.trajectory.oscillations) - commonRoom);
      continue;
    }

    const isWanderer = i === wandererIndex;
    // Speed budget: shared motion, then the pair's relative drift and the sweep, then own motion.
    const ownBudget =
      vMax - commonSpeed - (i === pairAt ? pairReserve : 0) - (isWanderer ? sweepReserve : 0);
    const organ = look.kind === 'organ';
    const u = organ ? rng.uniform(0.2, 0.5) : rng.uniform(0.5, 1);
    const maxAmp = (isWanderer ? 5 : organ ? 8 : 15) * s;
    const oscillations = drawOscillations(rng, ownBudget * u, maxAmp);
    const ownRoom = amplitudeSum(oscillations);
    const motionRoom = ownRoom + commonRoom;
    const room = radius + motionRoom + 3 * s;
    const partnerRadius = i === pairAt ? (looks[i + 1]?.radius ?? 0) : 0;

    const accept = (x: number, y: number): boolean => {
      if (partnerRadius > 0) {
        // Leave room for the partner on at least one side.
        const d = radius + partnerRadius;
        const r = partnerRadius + motionRoom + 3 * s;
        if (!discInside(fov, x + d, y, r) && !discInside(fov, x - d, y, r)) return false;
      }
      if (isWanderer && fov.geometry.kind === 'sector') {
        // The sweep runs horizontally; keep it clear of the bottom arc so it leaves through a side.
        const g = fov.geometry;
        return y + radius + motionRoom < g.apexY + g.outerRadius * Math.cos(g.halfAngleRad) - 4 * s;
      }
      return true;
    };
    const avoid: Placed[] = drafts.flatMap((d, j) =>
      d.kind === 'organ' ? [] : [{ x: d.restX, y: d.restY, radius: radii[j] ?? 0 }],
    );
    const rest = findRestPosition(rng, fov, avoid, {
      room,
      radius: radius + ownRoom,
      lateralBand: isWanderer ? [0.5, 0.9] : null,
      depthBand: isWanderer ? [0.3, 0.6] : organ ? [0.3, 0.75] : [0.08, 0.92],
      accept,
      minGap: 4 * s,
    });

    let sweep: Oscillation | null = null;
    if (isWanderer) {
      const dir = rest.x >= p.width / 2 ? 1 : -1;
      let exit = 0;
      while (exit < 4 * p.width && fov.contains(rest.x + dir * exit, rest.y)) exit += 1;
      const perpendicular =
        fov.geometry.kind === 'sector' ? Math.cos(fov.geometry.halfAngleRad) : 1;
      const travel = exit + (radius + motionRoom + 4 * s) / perpendicular;
      const period = Math.max(rng.uniform(10, 14), (Math.PI * travel) / sweepReserve);
      // Starts near rest (in view), leaves after about a quarter period.
      sweep = { dx: dir * travel, dy: 0, omega: TWO_PI / period, phase: rng.uniform(-0.6, 0.6) };
    }
    drafts.push({
      ...base,
      trajectory: { oscillations: [...common.oscillations, ...oscillations], sweep },
      follows: 0,
      restX: rest.x,
      restY: rest.y,
    });
    radii.push(radius + ownRoom);
  }

  // Reflectors: bright calcifications on the deep wall of some structures, casting shadows.
  const hosts = drafts.length;
  for (let h = 0; h < hosts; h++) {
    if (!(rng.next() < p.shadowProbability)) continue;
    const host = drafts[h];
    if (host === undefined) continue;
    const beam = fov.toBeam(host.restX, host.restY);
    const ux = fov.geometry.kind === 'sector' ? Math.sin(beam.lateral) : 0;
    const uy = fov.geometry.kind === 'sector' ? Math.cos(beam.lateral) : 1;
    const hostShape = shapeAt(host.deformation, host.restX, host.restY, 0);
    const depthInHost = radiusAlong(hostShape, ux, uy) * rng.uniform(0.5, 0.75);
    const a = Math.max(1, rng.uniform(4, 8) * s);
    const b = Math.max(1, a * rng.uniform(0.5, 0.8));
    const deformation = {
      ...drawDeformation(rng, a, b, p.irregularity * 0.5, 0, false),
      rotation: Math.atan2(uy, ux) + Math.PI / 2,
    };
    const [rLo, rHi] = p.reflectorDbRange;
    drafts.push({
      kind: 'reflector',
      contrastDb: rng.uniform(rLo, rHi),
      wallDb: 0,
      deformation,
      trajectory: NO_MOTION,
      follows: h + 1,
      restX: host.restX + ux * depthInHost,
      restY: host.restY + uy * depthInHost,
    });
  }

  const structures: StructureSpec[] = drafts.map((d, i) => ({
    id: i + 1,
    kind: d.kind,
    contrastDb: d.contrastDb,
    wallDb: d.wallDb,
    wallWidthPx: Math.max(1.5, 2.5 * s),
    restX: d.restX,
    restY: d.restY,
    deformation: d.deformation,
    trajectory: d.trajectory,
    follows: d.follows,
    castsShadow: d.kind === 'reflector',
    enhancesBelow: d.kind !== 'reflector' && d.contrastDb <= -14,
  }));
  return {
    structures,
    wandererId: wandererIndex >= 0 ? wandererIndex + 1 : 0,
    touchingPair: pairAt >= 0 ? [pairAt + 1, pairAt + 2] : null,
  };
}
