/**
 * One tracked object's state and its pure transitions: seeding from a user prompt, corrections,
 * and the update after each observation (tracking → uncertain → lost, and back by re-acquisition).
 */
import type { BinaryMask } from '../engine/mask.ts';
import type { PreviousMask, Prompt, PromptPoint } from '../engine/prompts.ts';
import { blendAppearance, type Appearance } from './appearance.ts';
import type { PixelBox } from './mask-geometry.ts';
import type { Assessment, Cue, Reference } from './track-quality.ts';
import type { TrackingParams } from './tracking-params.ts';

export type TrackStateName = 'tracking' | 'uncertain' | 'lost';

/** A mask the tracker accepted as the object (good or doubtful), with what planning needs. */
export interface Sighting {
  readonly mask: BinaryMask;
  readonly logits: PreviousMask;
  readonly area: number;
  readonly box: PixelBox;
  readonly centroid: { readonly x: number; readonly y: number };
  readonly interior: { readonly x: number; readonly y: number };
  readonly appearance: Appearance | undefined;
  /** Share of its boundary on the view's edge. */
  readonly borderShare: number;
  /** The grey image of the frame it was seen on (where its motion to the next frame starts). */
  readonly grey: Uint8Array;
}

/** A user's corrective point, kept attached to the object as an offset from its centroid. */
export interface AttachedPoint {
  readonly dx: number;
  readonly dy: number;
  readonly label: PromptPoint['label'];
}

export interface ObjectTrack {
  readonly objectId: string;
  readonly state: TrackStateName;
  readonly quality: number;
  readonly reason: Cue | 'not-seen' | undefined;
  /** The newest accepted sighting (cleared on loss: a lost object shows nothing). */
  readonly last: Sighting | undefined;
  /** The newest good sighting: where and how the object was last seen with confidence. */
  readonly lastGood: Sighting | undefined;
  readonly reference: Reference | undefined;
  readonly framesSinceGood: number;
  /** Consecutive good probes while lost. */
  readonly confirmations: number;
  /** A prompt to apply as is on the next frame (a new object, or a changed prompt). */
  readonly seed: Prompt | undefined;
  /** Corrective points to apply on the next frame (original-image pixels). */
  readonly pending: readonly PromptPoint[];
  readonly attached: readonly AttachedPoint[];
  /** The strategy's hypothesis that produced the last accepted observation (0 = its default). */
  readonly hypothesis: number;
  /**
   * Lost at the edge of the view: it left the field and comes back where it left (the probe slid
   * away and back), so it is looked for there only, not ever further out.
   */
  readonly leftView: boolean;
}

export function seededTrack(objectId: string, prompt: Prompt): ObjectTrack {
  return {
    objectId,
    state: 'lost',
    quality: 0,
    reason: 'not-seen',
    last: undefined,
    lastGood: undefined,
    reference: undefined,
    framesSinceGood: 0,
    confirmations: 0,
    seed: prompt,
    pending: [],
    attached: [],
    hypothesis: 0,
    leftView: false,
  };
}

/**
 * New points on an existing object. On a lost object a positive point re-seeds it there (one tap
 * re-acquires); otherwise the points correct the next frame and then stay attached to the object.
 */
export function withCorrections(track: ObjectTrack, points: readonly PromptPoint[]): ObjectTrack {
  if (points.length === 0) return track;
  // Not decoded yet: the points join the seed itself.
  if (track.seed)
    return { ...track, seed: { ...track.seed, points: [...track.seed.points, ...points] } };
  if (track.state === 'lost') {
    if (!points.some((p) => p.label === 'positive')) return track;
    return seededTrack(track.objectId, { points });
  }
  return { ...track, pending: [...track.pending, ...points] };
}

export interface StepOutcome {
  readonly track: ObjectTrack;
  /** The mask to show for this frame, or undefined (lost: never a stale or implausible mask). */
  readonly shown: Sighting | undefined;
}

/** Whether the next observation answers the user's own prompt or correction (judged without history). */
export function isAuthoritative(track: ObjectTrack): boolean {
  return track.seed !== undefined || track.pending.length > 0;
}

/** Whether this observation was a re-acquisition probe (the object was lost and not re-seeded). */
export function isProbe(track: ObjectTrack): boolean {
  return track.state === 'lost' && track.seed === undefined;
}

/**
 * The state after one observation. `sighting` is undefined when nothing was decoded or the mask was
 * empty; `assessment` judges it. `params.confirmFrames` good probes in a row re-acquire a lost object.
 */
export function afterObservation(
  track: ObjectTrack,
  sighting: Sighting | undefined,
  assessment: Assessment,
  params: TrackingParams,
): StepOutcome {
  const probing = isProbe(track);
  const seeding = track.seed !== undefined;
  // The user's own prompt or correction is authoritative: the reference restarts from its result.
  const restart = isAuthoritative(track);
  const base = { ...track, seed: undefined, pending: [] as PromptPoint[] };
  const attached = seeding ? [] : withAttached(track, sighting, params);

  if (sighting === undefined || assessment.verdict === 'bad') {
    return {
      track: {
        ...base,
        state: 'lost',
        quality: assessment.quality,
        reason: assessment.reason ?? 'empty',
        last: undefined,
        framesSinceGood: track.framesSinceGood + 1,
        confirmations: 0,
        attached: [],
        leftView: track.last
          ? assessment.reason === 'left-view' || track.last.borderShare >= params.borderShareLeaving
          : track.leftView,
      },
      shown: undefined,
    };
  }
  if (probing) {
    const confirmations = assessment.verdict === 'good' ? track.confirmations + 1 : 0;
    if (confirmations < params.confirmFrames) {
      return {
        track: {
          ...base,
          quality: assessment.quality,
          reason: assessment.reason ?? track.reason,
          framesSinceGood: track.framesSinceGood + 1,
          confirmations,
        },
        shown: undefined,
      };
    }
  }
  const good = assessment.verdict === 'good';
  const reference = nextReference(track.reference, sighting, good, restart, params);
  return {
    track: {
      ...base,
      state: good ? 'tracking' : 'uncertain',
      quality: assessment.quality,
      reason: good ? undefined : assessment.reason,
      last: sighting,
      lastGood: good ? sighting : track.lastGood,
      reference,
      framesSinceGood: good ? 0 : track.framesSinceGood + 1,
      confirmations: 0,
      attached,
      leftView: false,
    },
    shown: sighting,
  };
}

const neutralAppearance: Appearance = { inside: NaN, around: NaN, contrast: 0 };

/**
 * The reference after an accepted sighting: restarted by the user's prompt, the mean of the first
 * `warmupFrames` sightings (doubtful ones too: a seed's mask is seldom its best), then updated by
 * good sightings only, slowly, so that drift shows. A mask cut by the view's edge says nothing of
 * the object's size.
 */
function nextReference(
  reference: Reference | undefined,
  sighting: Sighting,
  good: boolean,
  restart: boolean,
  params: TrackingParams,
): Reference | undefined {
  if (reference === undefined || restart) {
    return {
      area: sighting.area,
      appearance: sighting.appearance ?? neutralAppearance,
      samples: 1,
    };
  }
  const warm = reference.samples < params.warmupFrames;
  if (!good && !warm) return reference;
  const weight = warm ? 1 / (reference.samples + 1) : params.referenceWeight;
  return {
    area:
      sighting.borderShare >= params.borderShareLeaving
        ? reference.area
        : reference.area + weight * (sighting.area - reference.area),
    appearance: sighting.appearance
      ? blendAppearance(reference.appearance, sighting.appearance, weight)
      : reference.appearance,
    samples: reference.samples + 1,
  };
}

/** Pending corrections become attached points (offsets from the new centroid), newest first. */
function withAttached(
  track: ObjectTrack,
  sighting: Sighting | undefined,
  params: TrackingParams,
): readonly AttachedPoint[] {
  if (!sighting || track.pending.length === 0) return track.attached;
  const fresh = track.pending.map((p) => ({
    dx: p.x - sighting.centroid.x,
    dy: p.y - sighting.centroid.y,
    label: p.label,
  }));
  return [...fresh.reverse(), ...track.attached].slice(0, params.maxCorrections);
}

/** Equivalent radius of the object's reference area (its last good area before it has one), px. */
export function referenceRadius(track: ObjectTrack): number {
  const area = track.reference?.area ?? track.lastGood?.area ?? 0;
  return Math.max(Math.sqrt(area / Math.PI), 4);
}
