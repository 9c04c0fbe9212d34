/**
 * Per active object, what the latest masks that listed it said (track state, quality, where it was
 * last seen), turned into the `state.objects` views. An object the daemon has not reported yet is
 * `pending`; one missing from a mask set (waiting its turn in the tick budget) keeps its last
 * report. Pure.
 */
import type { FrameMasks, ObjectMask } from './stream-types.ts';
import type { ObjectStateView, TrackView } from './tablet-protocol.ts';

export interface ObjectReport {
  readonly track: TrackView;
  readonly score: number;
  readonly areaPx: number;
  readonly frameSeq: number;
}

export function objectStateView(
  objectId: string,
  report: ObjectReport | undefined,
): ObjectStateView {
  if (report === undefined) {
    return {
      objectId,
      state: 'pending',
      quality: null,
      framesSinceGood: null,
      score: null,
      areaPx: null,
      frameSeq: null,
    };
  }
  const { track } = report;
  return {
    objectId,
    state: track.state,
    quality: track.quality,
    ...(track.reason === undefined ? {} : { reason: track.reason }),
    ...(track.lastBox === undefined ? {} : { lastBox: track.lastBox }),
    framesSinceGood: track.framesSinceGood,
    score: report.score,
    areaPx: report.areaPx,
    frameSeq: report.frameSeq,
  };
}

export class ObjectStates {
  private readonly reports = new Map<string, ObjectReport>();

  /**
   * Records the active objects of `masks` (others: removed, the daemon not yet told); true when
   * one of them is new or changed state (worth a broadcast).
   */
  update(masks: FrameMasks, isActive: (objectId: string) => boolean): boolean {
    let changed = false;
    for (const o of masks.objects) {
      if (isActive(o.objectId)) changed = this.record(o, masks.frameSeq) || changed;
    }
    return changed;
  }

  /** The views of `objectIds`, in that order. */
  views(objectIds: readonly string[]): ObjectStateView[] {
    return objectIds.map((id) => objectStateView(id, this.reports.get(id)));
  }

  /** Forgets objects that are no longer active. */
  retain(isActive: (objectId: string) => boolean): void {
    for (const id of this.reports.keys()) if (!isActive(id)) this.reports.delete(id);
  }

  private record(o: ObjectMask, frameSeq: number): boolean {
    const before = this.reports.get(o.objectId)?.track.state;
    this.reports.set(o.objectId, { track: o.track, score: o.score, areaPx: o.areaPx, frameSeq });
    return before !== o.track.state;
  }
}
