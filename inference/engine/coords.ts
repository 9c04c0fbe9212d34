/**
 * The one place that maps coordinates between original-image pixels and model-input pixels.
 * Pure; round-trip tested. "longest-side": one scale, longest side → size (SAM's ResizeLongestSide);
 * "stretch": each axis scaled to size independently (MedSAM).
 */
export interface ModelGeometry {
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly inputSize: number;
  readonly scaleX: number;
  readonly scaleY: number;
  /** Size of the resized image inside the model input (before padding). */
  readonly resizedWidth: number;
  readonly resizedHeight: number;
}

export function modelGeometry(
  imageWidth: number,
  imageHeight: number,
  inputSize: number,
  resize: 'longest-side' | 'stretch',
): ModelGeometry {
  if (resize === 'stretch') {
    return {
      imageWidth,
      imageHeight,
      inputSize,
      scaleX: inputSize / imageWidth,
      scaleY: inputSize / imageHeight,
      resizedWidth: inputSize,
      resizedHeight: inputSize,
    };
  }
  const scale = inputSize / Math.max(imageWidth, imageHeight);
  return {
    imageWidth,
    imageHeight,
    inputSize,
    scaleX: scale,
    scaleY: scale,
    // SAM rounds the resized size to the nearest integer (int(x + 0.5)).
    resizedWidth: Math.floor(imageWidth * scale + 0.5),
    resizedHeight: Math.floor(imageHeight * scale + 0.5),
  };
}

export interface Point2 {
  readonly x: number;
  readonly y: number;
}

export function imageToModel(g: ModelGeometry, p: Point2): Point2 {
  return { x: p.x * g.scaleX, y: p.y * g.scaleY };
}

export function modelToImage(g: ModelGeometry, p: Point2): Point2 {
  return { x: p.x / g.scaleX, y: p.y / g.scaleY };
}

/**
 * Maps a low-resolution mask grid (lowSize × lowSize covering the model input) to image pixels:
 * the fraction of the low-res grid that holds the resized image (the rest is padding).
 */
export function lowResValidRegion(
  g: ModelGeometry,
  lowWidth: number,
  lowHeight: number,
): { width: number; height: number } {
  return {
    width: (g.resizedWidth / g.inputSize) * lowWidth,
    height: (g.resizedHeight / g.inputSize) * lowHeight,
  };
}
