/**
 * Encodes a prompt into SAM-contract decoder feeds: point_coords / point_labels (1 positive,
 * 0 negative, 2/3 box corners, -1 padding), mask_input / has_mask_input, orig_im_size. Pure.
 */
import { imageToModel, type ModelGeometry } from './coords.ts';
import type { Manifest } from './manifest.ts';
import type { FeedTensor } from './ort-session.ts';
import type { PreviousMask, Prompt } from './prompts.ts';
import { resizePlane } from './resample.ts';

export const LABEL_POSITIVE = 1;
export const LABEL_NEGATIVE = 0;
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

export interface EncodedPoints {
  readonly coords: Float32Array;
  readonly labels: Float32Array;
  readonly count: number;
}

export function encodePoints(
  prompt: Prompt,
  geometry: ModelGeometry,
  space: Manifest['decoder']['pointCoords'],
  padPoint: boolean,
  offset = 0,
): EncodedPoints {
  const map = (x: number, y: number): { x: number; y: number } => {
    if (space !== 'model-input') return { x, y };
    const m = imageToModel(geometry, { x, y });
    return { x: m.x + offset, y: m.y + offset };
  };
  const pts: { x: number; y: number; label: number }[] = prompt.points.map((p) => ({
    ...map(p.x, p.y),
    label: p.label === 'positive' ? LABEL_POSITIVE : LABEL_NEGATIVE,
  }));
  if (prompt.box) {
    const b = prompt.box;
    pts.push({ ...map(b.x0, b.y0), label: LABEL_BOX_TOP_LEFT });
    pts.push({ ...map(b.x1, b.y1), label: LABEL_BOX_BOTTOM_RIGHT });
  } else if (padPoint) {
    pts.push({ x: 0, y: 0, label: LABEL_PADDING });
  }
  const coords = new Float32Array(pts.length * 2);
  const labels = new Float32Array(pts.length);
  pts.forEach((p, i) => {
    coords[2 * i] = p.x;
    coords[2 * i + 1] = p.y;
    labels[i] = p.label;
  });
  return { coords, labels, count: pts.length };
}

const zeroMasks = new Map<number, Float32Array>();

/** The previous mask resized to the decoder's mask_input grid (a shared zero grid when absent). */
export function encodeMaskInput(
  previous: PreviousMask | undefined,
  width: number,
  height: number,
): FeedTensor {
  const dims = [1, 1, height, width];
  if (!previous) {
    let zeros = zeroMasks.get(width * height);
    if (!zeros) {
      zeros = new Float32Array(width * height);
      zeroMasks.set(width * height, zeros);
    }
    return { dtype: 'float32', dims, data: zeros };
  }
  const data =
    previous.width === width && previous.height === height
      ? previous.logits
      : resizePlane(previous.logits, previous.width, previous.height, width, height);
  return { dtype: 'float32', dims, data };
}
