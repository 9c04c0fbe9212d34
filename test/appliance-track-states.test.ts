/**
 * The pure cores behind tracked prompts on the appliance: the daemon's masks → FrameMasks (track
 * info copied, no mask for a lost object), the per-object state views derived from the latest
 * masks, and the one-tap re-acquire decision.
 */
import { describe, expect, it } from 'vitest';
import type { MasksHeader, TrackInfo } from '../inference/protocol/messages.ts';
import { frameMasksFrom, trackView } from '../appliance/live/daemon-masks.ts';
import { ObjectStates, objectStateView } from '../appliance/live/object-states.ts';
import {
  expandBox,
  REACQUIRE_MIN_MARGIN_PX,
  reacquireTarget,
} from '../appliance/live/reacquire.ts';
import type { FrameMasks } from '../appliance/live/stream-types.ts';
import type { ObjectStateView, TrackView } from '../appliance/live/tablet-protocol.ts';

const BOX = { x0: 100, y0: 40, x1: 140, y1: 60 }; // 40 × 20: grown by 10 px and 5 px
const tracking: TrackView = { state: 'tracking', quality: 0.93, framesSinceGood: 0 };
const uncertain: TrackView = {
  state: 'uncertain',
  quality: 0.41,
  reason: 'area-change',
  lastBox: BOX,
  framesSinceGood: 2,
};
const lost: TrackView = {
  state: 'lost',
  quality: 0.02,
  reason: 'left-view',
  lastBox: BOX,
  framesSinceGood: 15,
};

function masks(frameSeq: number, objects: [string, TrackView, number][]): FrameMasks {
  return {
    frameSeq,
    capturedAtNs: String(frameSeq * 33_000_000),
    width: 320,
    height: 240,
    objects: objects.map(([objectId, track, areaPx]) => ({
      objectId,
      track,
      score: 0.8,
      areaPx,
      rle: new Uint8Array(0),
    })),
  };
}

const everyone = () => true;

describe('daemon masks → frame masks', () => {
  it('copies the track info field by field and drops any mask bytes of a lost object', () => {
    const withExtra = { ...lost, debug: { iou: 0.1 } } as TrackInfo;
    expect(trackView(withExtra)).toEqual(lost);
    expect(trackView(tracking)).toEqual(tracking);
    expect('reason' in trackView(tracking)).toBe(false);

    const body = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const header = {
      frameSeq: 9,
      capturedAtNs: '100',
      receivedAtNs: '1',
      encodeStartNs: '2',
      encodeEndNs: '3',
      decodeEndNs: '4',
      publishedAtNs: '5',
      modelId: 'builtin',
      width: 2,
      height: 2,
      objects: [
        { objectId: 'a', track: tracking, score: 0.9, areaPx: 2, rleOffset: 0, rleLength: 4 },
        { objectId: 'b', track: lost, score: 0.1, areaPx: 0, rleOffset: 4, rleLength: 4 },
      ],
    } as unknown as MasksHeader;
    const out = frameMasksFrom(header, body, '6');
    expect(out.stages).toMatchObject({ daemonReceivedAtNs: '1', applianceReceivedAtNs: '6' });
    expect(out.objects.map((o) => [o.objectId, o.track.state, [...o.rle]])).toEqual([
      ['a', 'tracking', [1, 2, 3, 4]],
      ['b', 'lost', []],
    ]);
  });
});

describe('object states from the latest masks', () => {
  it('is pending with nulls until reported, then carries the daemon’s state, quality, reason and last box', () => {
    expect(objectStateView('obj1', undefined)).toEqual({
      objectId: 'obj1',
      state: 'pending',
      quality: null,
      framesSinceGood: null,
      score: null,
      areaPx: null,
      frameSeq: null,
    });
    expect(
      objectStateView('obj1', { track: tracking, score: 0.9, areaPx: 120, frameSeq: 4 }),
    ).toEqual({
      objectId: 'obj1',
      state: 'tracking',
      quality: 0.93,
      framesSinceGood: 0,
      score: 0.9,
      areaPx: 120,
      frameSeq: 4,
    });
    expect(objectStateView('obj2', { track: lost, score: 0.1, areaPx: 0, frameSeq: 5 })).toEqual({
      objectId: 'obj2',
      state: 'lost',
      quality: 0.02,
      reason: 'left-view',
      lastBox: BOX,
      framesSinceGood: 15,
      score: 0.1,
      areaPx: 0,
      frameSeq: 5,
    });
  });

  it('takes the state from the track, not from the area (an uncertain object may have a mask, a tracking one may be small)', () => {
    const states = new ObjectStates();
    states.update(
      masks(1, [
        ['obj1', uncertain, 500],
        ['obj2', tracking, 0],
      ]),
      everyone,
    );
    expect(states.views(['obj1', 'obj2']).map((v) => [v.state, v.areaPx])).toEqual([
      ['uncertain', 500],
      ['tracking', 0],
    ]);
  });

  it('keeps the last report of an object a mask set leaves out, in the prompt order asked for', () => {
    const states = new ObjectStates();
    states.update(
      masks(1, [
        ['obj1', tracking, 50],
        ['obj2', tracking, 60],
      ]),
      everyone,
    );
    states.update(masks(2, [['obj2', lost, 0]]), everyone);
    const views = states.views(['obj2', 'obj3', 'obj1']);
    expect(views.map((v) => [v.objectId, v.state, v.frameSeq])).toEqual([
      ['obj2', 'lost', 2],
      ['obj3', 'pending', null],
      ['obj1', 'tracking', 1],
    ]);
  });

  it('says when a state changed (a new object or another track state), not when only figures move', () => {
    const states = new ObjectStates();
    expect(states.update(masks(1, [['obj1', tracking, 50]]), everyone)).toBe(true);
    expect(states.update(masks(2, [['obj1', { ...tracking, quality: 0.7 }, 55]]), everyone)).toBe(
      false,
    );
    expect(states.update(masks(3, [['obj1', uncertain, 55]]), everyone)).toBe(true);
    expect(states.update(masks(4, [['obj1', lost, 0]]), everyone)).toBe(true);
    expect(states.update(masks(5, [['obj1', lost, 0]]), everyone)).toBe(false);
  });

  it('ignores objects that are not active and forgets removed ones', () => {
    const states = new ObjectStates();
    const active = new Set(['obj1']);
    const isActive = (id: string) => active.has(id);
    expect(states.update(masks(1, [['gone', tracking, 10]]), isActive)).toBe(false);
    states.update(masks(1, [['obj1', tracking, 10]]), isActive);
    active.delete('obj1');
    states.retain(isActive);
    active.add('obj1');
    expect(states.views(['obj1'])[0]?.state).toBe('pending');
  });
});

describe('one-tap re-acquire', () => {
  const view = (objectId: string, track: TrackView): ObjectStateView =>
    objectStateView(objectId, { track, score: 0.5, areaPx: 0, frameSeq: 1 });

  it('grows a box by a fraction of its size on each side, with a minimum margin', () => {
    expect(expandBox(BOX, 0.25)).toEqual({ x0: 90, y0: 35, x1: 150, y1: 65 });
    expect(expandBox({ x0: 10, y0: 10, x1: 12, y1: 11 }, 0.25, 4)).toEqual({
      x0: 6,
      y0: 6,
      x1: 16,
      y1: 15,
    });
  });

  it('turns a tap inside a lost object’s last box, grown by 25 %, into that object', () => {
    const objects = [view('obj1', tracking), view('obj2', lost)];
    expect(reacquireTarget({ x: 120, y: 50 }, objects)).toBe('obj2'); // centre
    expect(reacquireTarget({ x: 90, y: 35 }, objects)).toBe('obj2'); // grown corner
    expect(reacquireTarget({ x: 150, y: 65 }, objects)).toBe('obj2');
    expect(reacquireTarget({ x: 89.9, y: 50 }, objects)).toBeNull(); // just outside
    expect(reacquireTarget({ x: 120, y: 65.1 }, objects)).toBeNull();
  });

  it('never re-acquires a tracking, uncertain or pending object, nor a lost one without a last box', () => {
    const lostNowhere: TrackView = {
      state: 'lost',
      quality: 0,
      reason: 'empty',
      framesSinceGood: 3,
    };
    const objects = [
      view('obj1', { ...tracking, lastBox: BOX }),
      view('obj2', uncertain),
      objectStateView('obj3', undefined),
      view('obj4', lostNowhere),
    ];
    expect(reacquireTarget({ x: 120, y: 50 }, objects)).toBeNull();
    expect(reacquireTarget({ x: 120, y: 50 }, [])).toBeNull();
  });

  it('picks the lost object whose box centre is nearest when several qualify', () => {
    const right = { x0: 130, y0: 40, x1: 170, y1: 60 };
    const objects = [view('obj1', lost), view('obj2', { ...lost, lastBox: right })];
    expect(reacquireTarget({ x: 133, y: 50 }, objects)).toBe('obj1'); // 13 vs 17 from the centres
    expect(reacquireTarget({ x: 137, y: 50 }, objects)).toBe('obj2');
    expect(reacquireTarget({ x: 135, y: 50 }, objects)).toBe('obj1'); // a tie: the earlier object
  });

  it('keeps a tiny lost object re-acquirable by the minimum margin', () => {
    const tiny = { x0: 50, y0: 50, x1: 51, y1: 51 };
    const objects = [view('obj1', { ...lost, lastBox: tiny })];
    expect(reacquireTarget({ x: 51 + REACQUIRE_MIN_MARGIN_PX, y: 50 }, objects)).toBe('obj1');
    expect(reacquireTarget({ x: 51 + REACQUIRE_MIN_MARGIN_PX + 0.5, y: 50 }, objects)).toBeNull();
  });
});
