/**
 * Paints the structures of one frame, in id order, into the echogenicity map (scatter amplitude
 * relative to background tissue, soft-edged) and into the label image (exact, clipped to the field of
 * view; a higher id overwrites a lower one), and measures each structure's full and in-view area.
 */
import type { FieldOfView } from './field-of-view.ts';
import type { StructureSpec } from './scene.ts';
import { shapeMargin, type StructureShape } from './shape.ts';

export interface PaintStats {
  /** Pixel centres inside the whole (unclipped) shape, and their coordinate sums. */
  readonly fullArea: number;
  readonly sumX: number;
  readonly sumY: number;
  /** Of those, the ones inside the image and the field of view. */
  readonly inViewArea: number;
}

const smoothstep = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/**
 * Paints one structure. `echo` must hold the map painted so far (1 = background tissue); `edgePx` is
 * the width of the soft transition centred on the boundary.
 */
export function paintStructure(
  fov: FieldOfView,
  spec: StructureSpec,
  shape: StructureShape,
  edgePx: number,
  echo: Float32Array,
  labels: Uint8Array,
): PaintStats {
  const { width, height, mask } = fov;
  const inner = Math.pow(10, spec.contrastDb / 20);
  const wall = spec.wallDb > 0 ? Math.pow(10, spec.wallDb / 20) : 0;
  const ww = spec.wallWidthPx;
  const reach = shape.boundingRadius + edgePx + (wall > 0 ? ww + edgePx : 0);
  const reach2 = reach * reach;
  const x0 = Math.floor(shape.cx - reach);
  const x1 = Math.ceil(shape.cx + reach);
  const y0 = Math.floor(shape.cy - reach);
  const y1 = Math.ceil(shape.cy + reach);
  let fullArea = 0;
  let sumX = 0;
  let sumY = 0;
  let inViewArea = 0;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    const dy = py - shape.cy;
    const rowInImage = y >= 0 && y < height;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const dx = px - shape.cx;
      if (dx * dx + dy * dy > reach2) continue;
      const m = shapeMargin(shape, px, py);
      if (m >= 0) {
        fullArea++;
        sumX += px;
        sumY += py;
      }
      if (!rowInImage || x < 0 || x >= width) continue;
      const i = y * width + x;
      if (mask[i] !== 1) continue;
      if (m >= 0) {
        inViewArea++;
        labels[i] = spec.id;
      }
      let e = echo[i] ?? 1;
      if (wall > 0) {
        const wr = smoothstep(0.5 + (m + ww) / edgePx) * smoothstep(0.5 - m / edgePx);
        e += (wall - e) * wr;
      }
      const w = smoothstep(0.5 + m / edgePx);
      e += (inner - e) * w;
      echo[i] = e;
    }
  }
  return { fullArea, sumX, sumY, inViewArea };
}
