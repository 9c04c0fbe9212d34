/**
 * Where a lost object may have reappeared (pure): scans windows of the object's size around where it
 * was last seen for the one whose grey level and contrast with its surroundings best match the
 * object's learnt appearance. Summed-area tables (region-sums.ts) keep each window O(1).
 */
import { appearanceDistance, type Appearance } from './appearance.ts';
import { NO_ECHO_GREY } from './mask-geometry.ts';
import { regionSums } from './region-sums.ts';

/** A window whose ring has more than this share of no-echo pixels lies across the view's edge … */
const EDGE_RING_SHARE = 0.25;
/** … and is no candidate when less than this share of its centre has echo. */
const MIN_ECHO_SHARE = 0.25;

export interface SearchRequest {
  readonly centre: { readonly x: number; readonly y: number };
  /** Equivalent radius of the object, px. */
  readonly radius: number;
  /** How far from `centre` to look, in radii. */
  readonly reachRadii: number;
  readonly appearance: Appearance;
  readonly contrastTolerance: number;
  /** Pixels taken by other tracked objects: a window centred there is not a candidate. */
  readonly occupied?: (x: number, y: number) => boolean;
  /** Grey levels at or below this are outside the view (TrackingParams.noEchoGrey; default 2). */
  readonly noEchoGrey?: number;
}

export interface SearchHit {
  readonly x: number;
  readonly y: number;
  /** appearanceDistance of the window (0 = same as learnt). */
  readonly distance: number;
}

export function searchByAppearance(
  grey: Uint8Array,
  width: number,
  height: number,
  req: SearchRequest,
): SearchHit | undefined {
  const inner = Math.max(2, Math.round(req.radius * 0.6));
  const outer = Math.max(inner + 2, Math.round(req.radius * 1.6));
  const reach = req.radius * req.reachRadii;
  const x0 = Math.max(0, Math.floor(req.centre.x - reach - outer));
  const y0 = Math.max(0, Math.floor(req.centre.y - reach - outer));
  const x1 = Math.min(width, Math.ceil(req.centre.x + reach + outer));
  const y1 = Math.min(height, Math.ceil(req.centre.y + reach + outer));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 2 || h < 2) return undefined;
  const noEcho = req.noEchoGrey ?? NO_ECHO_GREY;
  // Anechoic interiors are legitimately near 0, so every pixel counts; only the image edge limits a
  // window. Pixels with no echo are counted apart, for the edge of the view.
  const region = { x0, y0, w, h };
  const sums = regionSums(grey, width, region);
  const dark = regionSums(grey, width, region, noEcho);
  const step = Math.max(1, Math.round(req.radius / 4));
  let best: SearchHit | undefined;
  for (let cy = req.centre.y - reach; cy <= req.centre.y + reach; cy += step) {
    for (let cx = req.centre.x - reach; cx <= req.centre.x + reach; cx += step) {
      const away = Math.hypot(cx - req.centre.x, cy - req.centre.y);
      if (away > reach) continue;
      if (req.occupied?.(cx, cy)) continue;
      const lx = Math.round(cx) - x0;
      const ly = Math.round(cy) - y0;
      if (lx < 0 || ly < 0 || lx >= w || ly >= h) continue;
      const area = (2 * inner) ** 2;
      const nIn = sums.area(lx - inner, ly - inner, lx + inner, ly + inner);
      if (nIn < area) continue; // the window leaves the image
      const sIn = sums.sum(lx - inner, ly - inner, lx + inner, ly + inner);
      const nAll = sums.area(lx - outer, ly - outer, lx + outer, ly + outer);
      const sAll = sums.sum(lx - outer, ly - outer, lx + outer, ly + outer);
      const nOut = nAll - nIn;
      if (nOut < 1) continue;
      // An object's surroundings are tissue: a window at the edge of the view (or outside it,
      // where "dark" is no echo at all) is not a candidate.
      const darkIn = dark.sum(lx - inner, ly - inner, lx + inner, ly + inner);
      const darkOut = dark.sum(lx - outer, ly - outer, lx + outer, ly + outer) - darkIn;
      if (darkOut > 0.5 * nOut) continue;
      // A window across the view's edge (much of its ring has no echo) is judged on the pixels with
      // echo only: there, black is missing data, not an anechoic interior. Otherwise a window
      // centred just outside the view looks like a dark object in tissue (tracking seed 5050: a
      // vessel that left at the edge was probed there for 140 frames after it came back nearby).
      const acrossEdge = darkOut > EDGE_RING_SHARE * nOut;
      if (acrossEdge && nIn - darkIn < MIN_ECHO_SHARE * nIn) continue;
      // The no-echo pixels' own grey (at most noEchoGrey each) stays in the sums: negligible.
      const inside = acrossEdge ? sIn / (nIn - darkIn) : sIn / nIn;
      const around = acrossEdge ? (sAll - sIn) / (nOut - darkOut) : (sAll - sIn) / nOut;
      const seen: Appearance = {
        inside,
        around,
        contrast: (around - inside) / (around + inside + 1),
      };
      // Equal looks: the nearer window wins (a small penalty for distance).
      const distance =
        appearanceDistance(req.appearance, seen, req.contrastTolerance) + (0.1 * away) / reach;
      if (!best || distance < best.distance) best = { x: cx, y: cy, distance };
    }
  }
  return best;
}
