/** An image as the engine sees it: 8-bit, 1 (grey), 3 (RGB) or 4 (RGBA) interleaved channels. */
import { EngineError } from './errors.ts';

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  /** Row-major, interleaved, length width × height × channels. */
  readonly data: Uint8Array;
}

export function checkFrame(frame: Frame): void {
  const { width, height, channels, data } = frame;
  if (![1, 3, 4].includes(channels)) {
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `${String(channels)} channels (1, 3 or 4 supported)`,
    );
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError('IMAGE_INVALID', `bad size ${String(width)}×${String(height)}`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new EngineError('IMAGE_UNSUPPORTED', 'pixel data must be 8-bit (Uint8Array)');
  }
  if (data.length !== width * height * channels) {
    throw new EngineError(
      'IMAGE_INVALID',
      `buffer has ${data.length} bytes, expected ${width}×${height}×${channels}`,
    );
  }
}

/** Luma of one pixel (ITU-R BT.601 weights), for grey models. */
export function toGrey(frame: Frame): Uint8Array {
  const { width, height, channels, data } = frame;
  if (channels === 1) return data;
  const n = width * height;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    out[i] = Math.round(0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!);
  }
  return out;
}
