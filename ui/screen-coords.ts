/**
 * Screen ⇄ image coordinates for the live canvas, the UI's only such transform: the image is drawn
 * inside the element's box with `object-fit: contain` (one uniform scale, centred, letterboxed).
 * Image coordinates are continuous original-image pixels: pixel (col, row) covers
 * [col, col + 1) × [row, row + 1), x right, y down. Pure.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** An element's box in client (CSS) pixels, as getBoundingClientRect() gives it. */
export interface Rect extends Size {
  readonly left: number;
  readonly top: number;
}

export interface Placement {
  /** CSS pixels per image pixel. */
  readonly scale: number;
  /** Where the image's top-left corner lies inside the box, CSS pixels. */
  readonly offsetX: number;
  readonly offsetY: number;
}

export function containPlacement(box: Size, image: Size): Placement {
  if (!(image.width > 0 && image.height > 0)) throw new RangeError('image size must be positive');
  const sx = box.width / image.width;
  const sy = box.height / image.height;
  // the fitting axis has no bar (exactly 0, not a rounding residue)
  return sx <= sy
    ? { scale: sx, offsetX: 0, offsetY: (box.height - image.height * sx) / 2 }
    : { scale: sy, offsetX: (box.width - image.width * sy) / 2, offsetY: 0 };
}

/** Rounding slack at the image border, image pixels. */
const EDGE_EPSILON = 1e-6;

/** The image point under a client point, or null when it falls on the letterbox or off the box. */
export function screenToImage(client: Point, box: Rect, image: Size): Point | null {
  const { scale, offsetX, offsetY } = containPlacement(box, image);
  if (!(scale > 0)) return null;
  const x = (client.x - box.left - offsetX) / scale;
  const y = (client.y - box.top - offsetY) / scale;
  const e = EDGE_EPSILON;
  if (!(x >= -e && y >= -e && x <= image.width + e && y <= image.height + e)) return null;
  return { x: Math.min(Math.max(x, 0), image.width), y: Math.min(Math.max(y, 0), image.height) };
}

export function imageToScreen(point: Point, box: Rect, image: Size): Point {
  const { scale, offsetX, offsetY } = containPlacement(box, image);
  return { x: box.left + offsetX + point.x * scale, y: box.top + offsetY + point.y * scale };
}
