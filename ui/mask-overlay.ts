/**
 * Paints a frame's masks into one reused RGBA overlay (width × height × 4): each object's
 * run-length mask in its palette colour, translucent inside and nearly opaque on its edge (a mask
 * pixel with a 4-neighbour outside). An uncertain object is fainter and its edge dashed. Returns
 * each object's painted bounding box (for the markers drawn over it). Buffers are reused until the
 * size changes. Pure (no DOM).
 */
import type { BoxView } from '../appliance/live/tablet-protocol.ts';
import { decodeRle } from '../inference/protocol/mask-rle.ts';

export const FILL_ALPHA = 110;
export const EDGE_ALPHA = 235;
export const UNCERTAIN_FILL_ALPHA = 55;
/** Dashed edge of an uncertain mask: diagonal bands of DASH_PX pixels, edge drawn in every other. */
export const DASH_PX = 4;

export interface OverlayObject {
  readonly color: string;
  readonly rle: Uint8Array;
  /** Fainter fill and a dashed edge. */
  readonly uncertain?: boolean;
}

export function parseColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (m === null) return [255, 255, 255];
  const v = parseInt(m[1] ?? 'ffffff', 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export class MaskOverlay {
  private scratch = new Uint8Array(0);
  rgba = new Uint8ClampedArray(0);
  width = 0;
  height = 0;

  /**
   * Clears and repaints; objects whose mask does not decode to width × height are skipped.
   * Returns, per object in order, the box of its painted pixels, or null (skipped or empty).
   */
  paint(width: number, height: number, objects: readonly OverlayObject[]): (BoxView | null)[] {
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.scratch = new Uint8Array(width * height);
      this.rgba = new Uint8ClampedArray(width * height * 4);
    } else {
      this.rgba.fill(0);
    }
    return objects.map((o) => {
      try {
        decodeRle(o.rle, this.scratch);
      } catch {
        return null;
      }
      return this.paintOne(parseColor(o.color), o.uncertain === true);
    });
  }

  clear(): void {
    this.rgba.fill(0);
  }

  private paintOne([r, g, b]: [number, number, number], uncertain: boolean): BoxView | null {
    const { width: w, height: h, scratch: m, rgba } = this;
    const fill = uncertain ? UNCERTAIN_FILL_ALPHA : FILL_ALPHA;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const i = row + x;
        if (m[i] === 0) continue;
        const edge =
          x === 0 ||
          y === 0 ||
          x === w - 1 ||
          y === h - 1 ||
          m[i - 1] === 0 ||
          m[i + 1] === 0 ||
          m[i - w] === 0 ||
          m[i + w] === 0;
        const dashOn = !uncertain || Math.floor((x + y) / DASH_PX) % 2 === 0;
        const p = i * 4;
        rgba[p] = r;
        rgba[p + 1] = g;
        rgba[p + 2] = b;
        rgba[p + 3] = edge && dashOn ? EDGE_ALPHA : fill;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
  }
}
