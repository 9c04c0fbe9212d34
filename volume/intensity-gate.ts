/**
 * Intensity gating of slice masks (pure). CT values are calibrated (Hounsfield units) and an organ
 * is close to homogeneous in them, so what the prompted slice's mask says the object looks like is
 * a strong constraint on every other slice: pixels whose local mean lies far from the object's
 * intensity are cut, thin bridges into neighbours of similar intensity are opened, and the part
 * connected to where the object was on the previous slice is kept, holes filled (vessels inside an
 * organ belong to it in organ labels). MRI volumes are not calibrated, but within one volume the
 * same holds approximately, so the gate is learnt per object from its own prompted slice.
 */
import { labelComponents, touchingBorder } from '../inference/engine/postprocess.ts';

/** The object's intensity on 8-bit grey slices: an inclusive band of local-mean grey values. */
export interface IntensityBand {
  readonly low: number;
  readonly high: number;
}

export interface GateParams {
  /** Half-width of the band in standard deviations of the object's intensity peak. */
  readonly sigmas: number;
  /**
   * The band is at least this wide on each side (grey levels; about 30 HU in the CT soft-tissue
   * window): an organ's enhancement varies across it by more than its noise.
   */
  readonly minHalfWidth: number;
  /** Half-side (mm) of the square mean filter applied before gating (noise). */
  readonly smoothMm: number;
  /** Half-side (mm) of the square opening that cuts bridges into neighbours. */
  readonly openMm: number;
  /** The gated mask may extend this far (mm) beyond the model's mask into pixels of the band. */
  readonly growMm: number;
  /**
   * On a slice next to one already segmented, the object lies within this distance (mm) of its
   * mask there: a cross-section's outline moves little from one slice to the next, and a leak
   * into a neighbour of the same intensity cannot run away through the volume.
   */
  readonly shiftMm: number;
}

/**
 * Set on the two CTs of ../shared/data (3 mm and 1 mm pixels); the lengths are physical so that
 * they mean the same on both grids. See docs/volumes.md for the figures.
 */
export const DEFAULT_GATE_PARAMS: GateParams = {
  sigmas: 3,
  minHalfWidth: 20,
  smoothMm: 1.2,
  openMm: 2.5,
  growMm: 5,
  shiftMm: 6,
};

/** The gate's lengths in pixels of a slice with `pixelMm` pixels. */
export interface GatePixels {
  readonly smoothRadius: number;
  readonly openRadius: number;
  readonly growPx: number;
  readonly shiftPx: number;
}

/** No gate length is more than this many pixels (a pixel size near 0 would make them endless). */
export const MAX_GATE_RADIUS_PX = 32;

/** A pixel size that is not a positive finite number counts as 1 mm. */
export function gatePixels(params: GateParams, pixelMm: number): GatePixels {
  const size = Number.isFinite(pixelMm) && pixelMm > 0 ? pixelMm : 1;
  const px = (mm: number) => Math.min(MAX_GATE_RADIUS_PX, Math.round(mm / size));
  return {
    smoothRadius: px(params.smoothMm),
    openRadius: px(params.openMm),
    growPx: px(params.growMm),
    shiftPx: px(params.shiftMm),
  };
}

/** Mean of `grey` over the (2r+1)² square around each pixel, clipped at the borders (box filter). */
export function boxMean(grey: Uint8Array, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(width * height);
  if (r <= 0) {
    out.set(grey);
    return out;
  }
  const iw = width + 1;
  const integral = new Float64Array(iw * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += grey[y * width + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum =
        integral[y1 * iw + x1]! -
        integral[y0 * iw + x1]! -
        integral[y1 * iw + x0]! +
        integral[y0 * iw + x0]!;
      out[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * The object's band from a mask that covers it, possibly with parts of its neighbours: the dominant
 * peak of the histogram of smoothed grey over the mask (the object is the largest homogeneous part
 * of its own mask), with its spread from the peak's half-maximum width (a Gaussian's HWHM is
 * 1.1774 σ), and never narrower than `minHalfWidth` on each side. Undefined for an empty mask.
 */
export function learnBand(
  grey: Uint8Array,
  mask: Uint8Array,
  width: number,
  height: number,
  params: GateParams,
  pixels: GatePixels,
): IntensityBand | undefined {
  const smooth = boxMean(grey, width, height, pixels.smoothRadius);
  const histogram = new Float64Array(256);
  let n = 0;
  for (let i = 0; i < mask.length; i++)
    if (mask[i]) {
      histogram[Math.min(255, Math.max(0, Math.round(smooth[i]!)))]! += 1;
      n++;
    }
  if (n === 0) return undefined;
  // The object's intensity is where most of the mask's pixels are within a band of the minimum
  // width (mass, not the tallest spike: a uniform neighbour piles up in one grey level) …
  const reach = Math.round(params.minHalfWidth / 2);
  let centre = 0;
  let best = -1;
  for (let v = 0; v < 256; v++) {
    let mass = 0;
    for (let u = Math.max(0, v - reach); u <= Math.min(255, v + reach); u++) mass += histogram[u]!;
    if (mass > best) {
      best = mass;
      centre = v;
    }
  }
  // … and its peak is the densest grey level there.
  const density = smoothHistogram(histogram, HISTOGRAM_SIGMA);
  let peak = Math.max(0, centre - reach);
  for (let v = peak; v <= Math.min(255, centre + reach); v++)
    if (density[v]! > density[peak]!) peak = v;
  const half = density[peak]! / 2;
  let left = peak;
  while (left > 0 && density[left - 1]! >= half) left--;
  let right = peak;
  while (right < 255 && density[right + 1]! >= half) right++;
  // The histogram's own smoothing widens the peak: subtract it in quadrature.
  const hwhm = (right - left + 1) / 2;
  const sigma = Math.sqrt(Math.max(0, (hwhm / 1.1774) ** 2 - HISTOGRAM_SIGMA ** 2));
  const halfWidth = Math.max(params.minHalfWidth, params.sigmas * sigma);
  // Grey 0 and 255 are clipped values (everything beyond the window): a band that reaches within
  // its minimum width of either end takes in what was clipped there.
  const low = peak - halfWidth <= params.minHalfWidth ? 0 : peak - halfWidth;
  const high = peak + halfWidth >= 255 - params.minHalfWidth ? 255 : peak + halfWidth;
  return { low, high };
}

/** Smoothing of the grey histogram, in grey levels. */
const HISTOGRAM_SIGMA = 2;

function smoothHistogram(histogram: Float64Array, sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * r + 1 }, (_, k) =>
    Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)),
  );
  const out = new Float64Array(histogram.length);
  for (let v = 0; v < histogram.length; v++) {
    let sum = 0;
    for (let k = -r; k <= r; k++) {
      const u = v + k;
      if (u >= 0 && u < histogram.length) sum += histogram[u]! * kernel[k + r]!;
    }
    out[v] = sum;
  }
  return out;
}

/** Binary erosion then dilation with a (2r+1)² square (an opening). */
export function openMask(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask.slice();
  return squareFilter(squareFilter(mask, width, height, r, true), width, height, r, false);
}

function squareFilter(
  mask: Uint8Array,
  width: number,
  height: number,
  r: number,
  erode: boolean,
): Uint8Array {
  // Separable: rows, then columns, each a running count of set pixels over the 2r + 1 window, so
  // the cost does not grow with r. Outside the image counts as background: erosion needs the whole
  // window set, dilation any of it.
  const full = 2 * r + 1;
  const pass = (src: Uint8Array, horizontal: boolean): Uint8Array => {
    const out = new Uint8Array(width * height);
    const [lines, length] = horizontal ? [height, width] : [width, height];
    const [along, across] = horizontal ? [1, width] : [width, 1];
    const prefix = new Int32Array(length + 1);
    for (let line = 0; line < lines; line++) {
      const base = line * across;
      for (let i = 0; i < length; i++) prefix[i + 1] = prefix[i]! + src[base + i * along]!;
      for (let i = 0; i < length; i++) {
        const count = prefix[Math.min(length, i + r + 1)]! - prefix[Math.max(0, i - r)]!;
        out[base + i * along] = erode ? (count === full ? 1 : 0) : count > 0 ? 1 : 0;
      }
    }
    return out;
  };
  return pass(pass(mask, true), false);
}

/** Fills the background regions that do not touch the image border. */
export function fillMaskHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const inverse = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) inverse[i] = mask[i] ? 0 : 1;
  const { labels: label, count: n } = labelComponents(inverse, width, height);
  const outside = touchingBorder(label, n, width, height);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] || !outside[label[i]!] ? 1 : 0;
  return out;
}

/**
 * The gated mask: `mask` (grown by `growPx`) ∩ {smoothed grey inside `band`} ∩ the previous slice's
 * mask grown by `shiftPx` (when given), opened, restricted to the connected parts that overlap
 * `anchor` (where the object is known to be), holes filled. Empty when nothing of the object's
 * intensity overlaps the anchor.
 */
export function gateMask(
  grey: Uint8Array,
  mask: Uint8Array,
  anchor: Uint8Array,
  width: number,
  height: number,
  band: IntensityBand,
  pixels: GatePixels,
  previous?: Uint8Array,
): Uint8Array {
  // Everything happens near the model's mask (and the previous slice's): work on that window, with
  // a margin wide enough that every filter sees what it would see on the whole slice.
  const margin = pixels.smoothRadius + pixels.openRadius + 2;
  let win = boundsOf(mask, width, height, pixels.growPx + margin);
  if (previous && win) {
    const near = boundsOf(previous, width, height, pixels.shiftPx + margin);
    win = near && {
      x0: Math.max(win.x0, near.x0),
      y0: Math.max(win.y0, near.y0),
      x1: Math.min(win.x1, near.x1),
      y1: Math.min(win.y1, near.y1),
    };
  }
  const out = new Uint8Array(width * height);
  if (!win || win.x1 <= win.x0 || win.y1 <= win.y0) return out;
  const w = win.x1 - win.x0;
  const h = win.y1 - win.y0;
  const crop = (a: Uint8Array) => {
    const c = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      c.set(a.subarray((win.y0 + y) * width + win.x0, (win.y0 + y) * width + win.x1), y * w);
    return c;
  };
  const gated = gateWhole(
    crop(grey),
    crop(mask),
    crop(anchor),
    w,
    h,
    band,
    pixels,
    previous && crop(previous),
  );
  for (let y = 0; y < h; y++)
    out.set(gated.subarray(y * w, (y + 1) * w), (win.y0 + y) * width + win.x0);
  return out;
}

/** The box of a mask's set pixels grown by `pad` and clipped to the image; undefined if empty. */
function boundsOf(
  mask: Uint8Array,
  width: number,
  height: number,
  pad: number,
): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = mask.subarray(y * width, (y + 1) * width);
    const first = row.indexOf(1);
    if (first < 0) continue;
    x0 = Math.min(x0, first);
    x1 = Math.max(x1, row.lastIndexOf(1));
    y0 = Math.min(y0, y);
    y1 = y;
  }
  if (x1 < 0) return undefined;
  return {
    x0: Math.max(0, x0 - pad),
    y0: Math.max(0, y0 - pad),
    x1: Math.min(width, x1 + 1 + pad),
    y1: Math.min(height, y1 + 1 + pad),
  };
}

function gateWhole(
  grey: Uint8Array,
  mask: Uint8Array,
  anchor: Uint8Array,
  width: number,
  height: number,
  band: IntensityBand,
  pixels: GatePixels,
  previous?: Uint8Array,
): Uint8Array {
  const smooth = boxMean(grey, width, height, pixels.smoothRadius);
  const grown = (m: Uint8Array, r: number) =>
    r > 0 ? squareFilter(m, width, height, r, false) : m;
  const allowed = grown(mask, pixels.growPx);
  const near = previous ? grown(previous, pixels.shiftPx) : undefined;
  const inBand = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++)
    inBand[i] =
      allowed[i] && (!near || near[i]) && smooth[i]! >= band.low && smooth[i]! <= band.high ? 1 : 0;
  const opened = openMask(inBand, width, height, pixels.openRadius);
  const { labels: label, count: n } = labelComponents(opened, width, height);
  const keep = new Uint8Array(n + 1);
  for (let i = 0; i < mask.length; i++) if (anchor[i] && label[i]) keep[label[i]!] = 1;
  const kept = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) kept[i] = keep[label[i]!] ? 1 : 0;
  // The mean filter mixed the object's edge pixels with what lies beyond them, and the band cut
  // them: give the edge back (as far as the filter reached, within where the object may be).
  const edge = grown(kept, pixels.smoothRadius);
  for (let i = 0; i < mask.length; i++) kept[i] = edge[i]! & allowed[i]! & (near ? near[i]! : 1);
  return fillMaskHoles(kept, width, height);
}
