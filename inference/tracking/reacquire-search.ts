/**
 * Where a lost object may have reappeared (pure): scans windows of the object's size around where it
 * was last seen for the one whose grey level and contrast with its surroundings best match the
 * object's learnt appearance. Integral images keep each window O(1).
 * Integral-image sums over all pixels (an anechoic interior is near 0 like the outside of a sector).
 */
import { appearanceDistance, type Appearance } from './appearance.ts';
import { NO_ECHO_GREY } from './mask-geometry.ts';

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
  // Integral images (w+1)×(h+1) of grey and of echo-pixel counts.
  const sum = new Float64Array((w + 1) * (h + 1));
  const cnt = new Float64Array((w + 1) * (h + 1));
  const dark = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rc = 0;
    let rd = 0;
    const src = (y0 + y) * width + x0;
    for (let x = 0; x < w; x++) {
      // Anechoic interiors are legitimately near 0, so every pixel counts; only the image edge
      // limits a window.
      const g = grey[src + x]!;
      rs += g;
      rc += 1;
      if (g <= noEcho) rd += 1;
      const at = (y + 1) * (w + 1) + x + 1;
      sum[at] = sum[at - (w + 1)]! + rs;
      cnt[at] = cnt[at - (w + 1)]! + rc;
      dark[at] = dark[at - (w + 1)]! + rd;
    }
  }
  const rect = (t: Float64Array, ax: number, ay: number, bx: number, by: number): number => {
    const cx0 = Math.max(0, Math.min(w, ax));
    const cy0 = Math.max(0, Math.min(h, ay));
    const cx1 = Math.max(0, Math.min(w, bx));
    const cy1 = Math.max(0, Math.min(h, by));
    return (
      t[cy1 * (w + 1) + cx1]! -
      t[cy0 * (w + 1) + cx1]! -
      t[cy1 * (w + 1) + cx0]! +
      t[cy0 * (w + 1) + cx0]!
    );
  };
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
      const nIn = rect(cnt, lx - inner, ly - inner, lx + inner, ly + inner);
      if (nIn < area) continue; // the window leaves the image
      const sIn = rect(sum, lx - inner, ly - inner, lx + inner, ly + inner);
      const nAll = rect(cnt, lx - outer, ly - outer, lx + outer, ly + outer);
      const sAll = rect(sum, lx - outer, ly - outer, lx + outer, ly + outer);
      const nOut = nAll - nIn;
      if (nOut < 1) continue;
      // An object's surroundings are tissue: a window at the edge of the view (or outside it,
      // where "dark" is no echo at all) is not a candidate.
      const darkOut =
        rect(dark, lx - outer, ly - outer, lx + outer, ly + outer) -
        rect(dark, lx - inner, ly - inner, lx + inner, ly + inner);
      if (darkOut > 0.5 * nOut) continue;
      const inside = sIn / nIn;
      const around = (sAll - sIn) / nOut;
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
