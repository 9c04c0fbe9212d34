/**
 * One-tap re-acquisition: a tablet tap that would start a new object (`addPrompt`) but falls inside
 * the box where a lost object was last seen, grown by REACQUIRE_MARGIN of its size on each side
 * (at least REACQUIRE_MIN_MARGIN_PX), becomes a positive point on that lost object instead; the
 * daemon re-seeds the object there. When several lost objects qualify, the one whose box centre is
 * nearest the tap wins (ties: the earlier object). Pure.
 */
import type { BoxView, ObjectStateView } from './tablet-protocol.ts';

export const REACQUIRE_MARGIN = 0.25;
export const REACQUIRE_MIN_MARGIN_PX = 4;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** `box` grown by `fraction` of its width (left and right) and height (top and bottom). */
export function expandBox(box: BoxView, fraction: number, minMarginPx = 0): BoxView {
  const mx = Math.max((box.x1 - box.x0) * fraction, minMarginPx);
  const my = Math.max((box.y1 - box.y0) * fraction, minMarginPx);
  return { x0: box.x0 - mx, y0: box.y0 - my, x1: box.x1 + mx, y1: box.y1 + my };
}

const contains = (b: BoxView, p: Point): boolean =>
  p.x >= b.x0 && p.x <= b.x1 && p.y >= b.y0 && p.y <= b.y1;

/** The lost object a new-object tap at `tap` re-acquires, or null: the tap starts a new object. */
export function reacquireTarget(tap: Point, objects: readonly ObjectStateView[]): string | null {
  let best: { objectId: string; distance: number } | null = null;
  for (const o of objects) {
    if (o.state !== 'lost' || o.lastBox === undefined) continue;
    if (!contains(expandBox(o.lastBox, REACQUIRE_MARGIN, REACQUIRE_MIN_MARGIN_PX), tap)) continue;
    const distance = Math.hypot(
      tap.x - (o.lastBox.x0 + o.lastBox.x1) / 2,
      tap.y - (o.lastBox.y0 + o.lastBox.y1) / 2,
    );
    if (best === null || distance < best.distance) best = { objectId: o.objectId, distance };
  }
  return best?.objectId ?? null;
}
