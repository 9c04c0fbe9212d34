/**
 * Paints a frame's masks into one reused RGBA overlay (width × height × 4): each object's
 * run-length mask in its palette colour, translucent inside and nearly opaque on its edge (a mask
 * pixel with a 4-neighbour outside). Buffers are reused until the size changes. Pure (no DOM).
 */
import { decodeRle } from '../inference/protocol/mask-rle.ts';

export const FILL_ALPHA = 110;
export const EDGE_ALPHA = 235;

export interface OverlayObject {
  readonly color: string;
  readonly rle: Uint8Array;
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

  /** Clears and repaints; objects whose mask does not decode to width × height are skipped. */
  paint(width: number, height: number, objects: readonly OverlayObject[]): void {
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.scratch = new Uint8Array(width * height);
      this.rgba = new Uint8ClampedArray(width * height * 4);
    } else {
      this.rgba.fill(0);
    }
    for (const o of objects) {
      try {
        decodeRle(o.rle, this.scratch);
      } catch {
        continue;
      }
      this.paintOne(parseColor(o.color));
    }
  }

  clear(): void {
    this.rgba.fill(0);
  }

  private paintOne([r, g, b]: [number, number, number]): void {
    const { width: w, height: h, scratch: m, rgba } = this;
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
        const p = i * 4;
        rgba[p] = r;
        rgba[p + 1] = g;
        rgba[p + 2] = b;
        rgba[p + 3] = edge ? EDGE_ALPHA : FILL_ALPHA;
      }
    }
  }
}
