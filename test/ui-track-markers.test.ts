/** How track states show on the tablet: list labels and the markers drawn over the image (pure). */
import { describe, expect, it } from 'vitest';
import type { MaskObjectView, ObjectStateView } from '../appliance/live/tablet-protocol.ts';
import { LOST_LABEL, stateLabel, trackMarkers } from '../ui/track-markers.ts';

const BOX = { x0: 10, y0: 20, x1: 30, y1: 40 };

function object(objectId: string, track: MaskObjectView['track']): MaskObjectView {
  return { objectId, color: '#e6194b', track, score: 0.8, areaPx: 0, rleOffset: 0, rleLength: 0 };
}

function view(state: ObjectStateView['state'], extra: Partial<ObjectStateView> = {}) {
  return {
    objectId: 'obj1',
    state,
    quality: 0.734,
    framesSinceGood: 0,
    score: 0.9,
    areaPx: 10,
    frameSeq: 1,
    ...extra,
  } satisfies ObjectStateView;
}

describe('track markers', () => {
  it('marks uncertain masks where they are painted and lost objects where they were last seen', () => {
    const painted = { x0: 1, y0: 2, x1: 5, y1: 6 };
    const markers = trackMarkers(
      [
        object('a', { state: 'tracking', quality: 0.9, framesSinceGood: 0 }),
        object('b', { state: 'uncertain', quality: 0.4, framesSinceGood: 1, lastBox: BOX }),
        object('c', { state: 'lost', quality: 0, framesSinceGood: 9, lastBox: BOX }),
        object('d', { state: 'lost', quality: 0, framesSinceGood: 9 }), // nowhere to draw
        object('e', { state: 'uncertain', quality: 0.4, framesSinceGood: 1 }), // mask not painted
      ],
      [painted, painted, null, null, null],
    );
    expect(markers).toEqual([
      { kind: 'uncertain', color: '#e6194b', box: painted },
      { kind: 'lost', color: '#e6194b', box: BOX },
    ]);
  });

  it('labels each object with its state and quality, and why when not tracking', () => {
    expect(stateLabel(undefined)).toBe('pending');
    expect(stateLabel(view('pending', { quality: null }))).toBe('pending');
    expect(stateLabel(view('tracking'))).toBe('tracking q 0.73');
    expect(stateLabel(view('uncertain', { reason: 'area-change' }))).toBe(
      'uncertain (area-change) q 0.73',
    );
    expect(stateLabel(view('lost', { reason: 'left-view', quality: 0.05 }))).toBe(
      `${LOST_LABEL} (left-view) q 0.05`,
    );
    expect(LOST_LABEL).toBe('lost — tap to re-acquire');
  });
});
