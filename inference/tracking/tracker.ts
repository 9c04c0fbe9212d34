/**
 * The multi-object tracker: holds every object's state, applies changes of the user's prompt set
 * (new objects, corrections, re-seeds, removals) and, per frame, observes each object through the
 * tracking strategy, measures the observation, judges it and updates the object's state. No I/O:
 * the daemon, the offline evaluations and volume propagation all drive it the same way.
 */
import type { BinaryMask } from '../engine/mask.ts';
import type { Prompt } from '../engine/prompts.ts';
import type { DecodeResult, Embedding } from '../engine/types.ts';
import { measureAppearance } from './appearance.ts';
import { withoutSmallerOverlaps } from './exclusive-masks.ts';
import {
  interiorPoint,
  maskIou,
  summarizeMask,
  viewBorderShare,
  type PixelBox,
} from './mask-geometry.ts';
import {
  afterObservation,
  isAuthoritative,
  isProbe,
  referenceRadius,
  seededTrack,
  withCorrections,
  type ObjectTrack,
  type Sighting,
  type TrackStateName,
} from './object-track.ts';
import { diffPrompts, type UserPrompt } from './prompt-diff.ts';
import { assessObservation, type Assessment } from './track-quality.ts';
import {
  DEFAULT_TRACKING_PARAMS,
  searchReachRadii,
  type TrackingParams,
} from './tracking-params.ts';
import type { Neighbour, Observation, TrackingStrategy } from './tracking-strategy.ts';

export interface TrackReport {
  readonly objectId: string;
  readonly state: TrackStateName;
  readonly quality: number;
  readonly reason: string | undefined;
  /** Box of the last good mask (where a lost object was last seen). */
  readonly lastBox: PixelBox | undefined;
  readonly framesSinceGood: number;
  /** The mask to show on this frame; undefined when lost. */
  readonly mask: BinaryMask | undefined;
  readonly area: number;
  /** The model's score of this frame's observation (0 when nothing was decoded). */
  readonly score: number;
  /** The decode behind this frame's observation, when there was one. */
  readonly result: DecodeResult | undefined;
  /** Why the observation failed (a coded engine error's message), when it did. */
  readonly error?: string;
}

const toPrompt = (p: UserPrompt): Prompt => ({
  points: p.points,
  ...(p.box ? { box: p.box } : {}),
});

export class Tracker {
  private readonly tracks = new Map<string, ObjectTrack>();
  private prompts = new Map<string, UserPrompt>();

  constructor(
    private readonly strategy: TrackingStrategy,
    readonly params: TrackingParams = DEFAULT_TRACKING_PARAMS,
  ) {}

  /**
   * Replaces the user's prompt set; see prompt-diff.ts for what each kind of change does. Returns
   * the objects whose prompt changed (new, re-seeded or corrected): the ones whose next observation
   * is the first with the new prompt.
   */
  setPrompts(prompts: readonly UserPrompt[]): string[] {
    const diff = diffPrompts(this.prompts, prompts);
    for (const id of diff.removed) {
      this.tracks.delete(id);
      this.strategy.forget?.(id);
    }
    for (const p of [...diff.added, ...diff.reseeded]) {
      this.tracks.set(p.objectId, seededTrack(p.objectId, toPrompt(p)));
      this.strategy.forget?.(p.objectId);
    }
    for (const c of diff.corrected) {
      const t = this.tracks.get(c.objectId);
      if (t) this.tracks.set(c.objectId, withCorrections(t, c.points));
    }
    this.prompts = new Map(prompts.map((p) => [p.objectId, p]));
    return [...diff.added, ...diff.reseeded, ...diff.corrected].map((p) => p.objectId);
  }

  objectIds(): string[] {
    return [...this.tracks.keys()];
  }

  state(objectId: string): ObjectTrack | undefined {
    return this.tracks.get(objectId);
  }

  /**
   * Observes the objects `only` (default: all) on this frame. `grey` is the frame's grey image at
   * the embedding's size (for appearance). Objects not observed keep their state. Once `overBudget`
   * says the caller's time is up, the remaining objects get their first observation only (no other
   * hypotheses): every object is still seen, and the cycle ends sooner.
   */
  async step(
    embedding: Embedding,
    grey: Uint8Array,
    only?: readonly string[],
    overBudget?: () => boolean,
  ): Promise<TrackReport[]> {
    const ids = only ?? [...this.tracks.keys()];
    const reports: TrackReport[] = [];
    for (const id of ids) {
      const track = this.tracks.get(id);
      if (!track) continue;
      const others = this.shownExcept(id);
      let observation: Observation | null;
      let error: string | undefined;
      try {
        observation = await this.strategy.observe(embedding, grey, track, others);
      } catch (e) {
        // One object's bad prompt must not stop the others: it is lost, with the reason.
        observation = null;
        error = e instanceof Error ? e.message : String(e);
      }
      let judged = observation ? this.judge(embedding, grey, track, observation) : undefined;
      if (
        observation &&
        judged &&
        judged.assessment.verdict !== 'good' &&
        this.strategy.alternatives &&
        !overBudget?.()
      ) {
        // A second hypothesis (e.g. the same prompt with a bounding box against a leak); the
        // better-judged one stands.
        try {
          for (const alt of await this.strategy.alternatives(embedding, grey, track, others)) {
            const j = this.judge(embedding, grey, track, alt);
            if (j.assessment.quality > judged.assessment.quality) {
              judged = j;
              observation = alt;
            }
          }
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
      }
      const sighting = judged?.sighting;
      const assessment: Assessment = judged?.assessment ?? {
        verdict: 'bad',
        quality: 0,
        reason: 'empty',
      };
      const after = afterObservation(track, sighting, assessment, this.params);
      const shown = after.shown;
      const next = shown
        ? { ...after.track, hypothesis: observation?.hypothesis ?? 0 }
        : after.track;
      if (!this.tracks.has(id)) continue; // removed while decoding
      this.tracks.set(id, next);
      reports.push({
        objectId: id,
        state: next.state,
        quality: next.quality,
        reason: next.reason,
        lastBox: next.lastGood?.box,
        framesSinceGood: next.framesSinceGood,
        mask: shown?.mask,
        area: shown?.area ?? 0,
        score: observation?.score ?? 0,
        result: observation?.result,
        ...(error === undefined ? {} : { error }),
      });
    }
    return this.params.exclusiveMasks ? this.exclusive(reports) : reports;
  }

  /** Reports whose masks give up the pixels a smaller object shows (exclusive-masks.ts). */
  private exclusive(reports: TrackReport[]): TrackReport[] {
    return reports.map((r) => {
      const own = this.tracks.get(r.objectId)?.last;
      if (!r.mask || !own) return r;
      const { mask, area } = withoutSmallerOverlaps(own, this.shownExcept(r.objectId));
      return mask === own.mask ? r : { ...r, mask, area };
    });
  }

  /** Measures an observation and judges it against the object's history. */
  private judge(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    observation: Observation,
  ): { sighting: Sighting | undefined; assessment: Assessment } {
    const summary = summarizeMask(observation.mask);
    const { box, centroid } = summary;
    const interior = interiorPoint(observation.mask, box);
    const sighting: Sighting | undefined =
      box && centroid && interior
        ? {
            mask: observation.mask,
            logits: observation.logits,
            area: summary.area,
            box,
            centroid,
            interior,
            appearance: measureAppearance(grey, observation.mask, box),
            borderShare: viewBorderShare(observation.mask, box, grey, this.params.noEchoGrey),
            grey,
          }
        : undefined;
    const assessment = assessObservation(
      {
        area: summary.area,
        score: observation.score,
        overlap: this.overlapWithLast(track, sighting),
        shiftRadii: this.shiftFromLastGood(track, sighting),
        reachRadii: searchReachRadii(
          this.params,
          referenceRadius(track),
          track.framesSinceGood,
          track.leftView,
        ),
        appearance: sighting?.appearance,
        borderShare: sighting?.borderShare ?? 0,
      },
      isAuthoritative(track) ? undefined : track.reference,
      embedding.imageWidth * embedding.imageHeight,
      this.params,
    );
    return { sighting, assessment };
  }

  /** The other objects as they are shown now (a lost object is not looked for under them). */
  private shownExcept(objectId: string): Neighbour[] {
    const shown: Neighbour[] = [];
    for (const [id, t] of this.tracks) if (id !== objectId && t.last) shown.push(t.last);
    return shown;
  }

  private overlapWithLast(track: ObjectTrack, s: Sighting | undefined): number | undefined {
    if (!s || !track.last || isAuthoritative(track)) return undefined;
    return maskIou(s.mask, s.box, track.last.mask, track.last.box);
  }

  /** Re-acquisition: how far the candidate lies from the last good sighting, in reference radii. */
  private shiftFromLastGood(track: ObjectTrack, s: Sighting | undefined): number | undefined {
    if (!s || !isProbe(track) || !track.lastGood) return undefined;
    const g = track.lastGood.centroid;
    return Math.hypot(s.centroid.x - g.x, s.centroid.y - g.y) / referenceRadius(track);
  }
}

export { DEFAULT_TRACKING_PARAMS };
