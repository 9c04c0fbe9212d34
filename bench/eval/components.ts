/** Splits a label image into objects: the 8-connected components of each non-zero label value (pure). */

/** A label image: one value per pixel, row-major; 0 is background, every other value a label. */
export interface LabelImage {
  readonly width: number;
  readonly height: number;
  readonly labels: Uint32Array;
}

export interface Component {
  /** The label value all its pixels share. */
  readonly label: number;
  /** Pixel count. */
  readonly area: number;
  /** Row-major pixel indices (y × width + x), ascending. */
  readonly pixels: Int32Array;
  /** Inclusive pixel bounds. */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Components smaller than this fraction of the image's pixels are ignored (0.1 %). */
export const DEFAULT_MIN_AREA_FRACTION = 0.001;

export interface ComponentOptions {
  /** Components with area < minAreaFraction × width × height are dropped. Default 0.001. */
  readonly minAreaFraction?: number;
}

/**
 * The 8-connected components of every non-zero label value. Pixels of different values never join,
 * even when adjacent; a hole inside a component does not split it. Components come ordered by label
 * value, then by their first pixel in raster order, so indices into the result are stable.
 */
export function connectedComponents(
  image: LabelImage,
  options: ComponentOptions = {},
): Component[] {
  const { width, height, labels } = image;
  const n = width * height;
  if (labels.length !== n) {
    throw new RangeError(`label buffer has ${labels.length} values, expected ${width}×${height}`);
  }
  const minArea = (options.minAreaFraction ?? DEFAULT_MIN_AREA_FRACTION) * n;
  const visited = new Uint8Array(n);
  const queue = new Int32Array(n);
  const found: Component[] = [];

  for (let start = 0; start < n; start++) {
    const label = labels[start]!;
    if (label === 0 || visited[start]) continue;
    visited[start] = 1;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const y0 = y > 0 ? y - 1 : y;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let yy = y0; yy <= y1; yy++) {
        for (let xx = x0; xx <= x1; xx++) {
          const q = yy * width + xx;
          if (!visited[q] && labels[q] === label) {
            visited[q] = 1;
            queue[tail++] = q;
          }
        }
      }
    }
    if (tail < minArea) continue;
    const pixels = queue.slice(0, tail).sort();
    found.push({ label, area: tail, pixels, minX, minY, maxX, maxY });
  }
  // Array.prototype.sort is stable: equal labels keep raster order of their first pixel.
  return found.sort((a, b) => a.label - b.label);
}

/** A component as a 0/1 mask of the full image. */
export function componentMask(component: Component, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const p of component.pixels) mask[p] = 1;
  return mask;
}
