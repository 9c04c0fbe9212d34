/**
 * Reads evaluation images as engine Frames and ground-truth masks as label images, with sharp.
 * Pixels are taken as stored: no EXIF rotation, no resizing, no colour management beyond sharp's
 * conversion to 8-bit sRGB or grey.
 */
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { EngineError } from '../../inference/engine/errors.ts';
import { checkFrame, type Frame } from '../../inference/engine/frame.ts';
import type { LabelImage } from './components.ts';

/** Image formats readImageFrame accepts (sharp's names). */
export const IMAGE_FORMATS: readonly string[] = ['png', 'jpeg', 'gif', 'tiff', 'webp'];
/** Mask formats readLabelImage accepts: lossless only. */
export const MASK_FORMATS: readonly string[] = ['png', 'gif'];

interface Opened {
  readonly bytes: Buffer;
  readonly meta: Metadata;
}

async function open(path: string, formats: readonly string[], what: string): Promise<Opened> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new EngineError(
      'EVAL_INPUT_INVALID',
      `cannot read ${what} ${path}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (e) {
    const bmp = bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
    const hint = bmp
      ? 'BMP is not supported, convert it to PNG'
      : 'corrupt or not an image format sharp reads';
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `${what} ${path}: ${hint} (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (!formats.includes(meta.format)) {
    const lossy =
      meta.format === 'jpeg' || meta.format === 'webp' ? ' (lossy compression alters labels)' : '';
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `${what} ${path} is ${meta.format}; ${what}s must be ${formats.join(', ')}${lossy}`,
    );
  }
  if ((meta.pages ?? 1) > 1) {
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `${what} ${path} has ${meta.pages} pages or frames; one is expected`,
    );
  }
  return { bytes, meta };
}

async function decode(
  path: string,
  what: string,
  pipeline: Sharp,
): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `${what} ${path} cannot be decoded (corrupt?): ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** True when every pixel of 3-channel interleaved data has equal R, G and B. */
function allGrey(data: Uint8Array, pixels: number): boolean {
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    if (data[j] !== data[j + 1] || data[j] !== data[j + 2]) return false;
  }
  return true;
}

/**
 * Reads a PNG, JPEG, GIF (first and only frame), TIFF or WebP image as an 8-bit Frame: 1 channel for
 * grey images, 3 for colour ones. Transparency is flattened onto black. A colour image whose pixels
 * all have R = G = B (a grey scan saved as RGB or with a palette) becomes 1 channel; that is lossless.
 * 16-bit images are refused (`IMAGE_UNSUPPORTED`) rather than rescaled, because how 12-bit data
 * sits in 16 bits differs between devices: convert them to 8-bit first. A corrupt or unsupported file
 * (BMP included) gives `IMAGE_UNSUPPORTED`; a missing or unreadable one `EVAL_INPUT_INVALID`.
 */
export async function readImageFrame(path: string): Promise<Frame> {
  const { bytes, meta } = await open(path, IMAGE_FORMATS, 'image');
  if (meta.depth !== 'uchar') {
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `image ${path} has ${meta.depth} samples (${meta.bitsPerSample ?? '?'}-bit); only 8-bit images are supported, convert it first`,
    );
  }
  const grey = meta.channels <= 2;
  let pipeline = sharp(bytes);
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: { r: 0, g: 0, b: 0 } });
  pipeline = pipeline.toColourspace(grey ? 'b-w' : 'srgb').raw();
  const { data, info } = await decode(path, 'image', pipeline);
  const { width, height, channels } = info;
  if (channels !== 1 && channels !== 3) {
    throw new EngineError('IMAGE_UNSUPPORTED', `image ${path} decoded to ${channels} channels`);
  }
  let frame: Frame;
  if (channels === 3 && allGrey(data, width * height)) {
    const g = new Uint8Array(width * height);
    for (let i = 0; i < g.length; i++) g[i] = data[3 * i]!;
    frame = { width, height, channels: 1, data: g };
  } else {
    frame = { width, height, channels, data: new Uint8Array(data) };
  }
  checkFrame(frame);
  return frame;
}

/**
 * Reads a PNG or GIF mask as a label image: 0 is background and every distinct non-zero value is a
 * label. Grey masks (and colour masks whose pixels all have R = G = B) use the grey value as label,
 * so 0/255 and 0/1 masks give label 255 and 1. Other colour masks use 0xRRGGBB as label (black = 0).
 * Fully transparent pixels are background. 16-bit grey masks keep their 16-bit values (their alpha, if
 * any, is ignored); 16-bit colour masks are refused. JPEG masks are refused: compression invents labels.
 */
export async function readLabelImage(path: string): Promise<LabelImage> {
  const { bytes, meta } = await open(path, MASK_FORMATS, 'mask');
  if (meta.depth === 'ushort') {
    if (meta.channels > 2) {
      throw new EngineError(
        'IMAGE_UNSUPPORTED',
        `mask ${path} is 16-bit colour; use 8-bit or 16-bit grey`,
      );
    }
    const pipeline = sharp(bytes).toColourspace('grey16').raw({ depth: 'ushort' });
    const { data, info } = await decode(path, 'mask', pipeline);
    const n = info.width * info.height;
    if (info.channels !== 1 || data.length !== 2 * n) {
      throw new EngineError(
        'IMAGE_UNSUPPORTED',
        `mask ${path} decoded to an unexpected 16-bit layout`,
      );
    }
    const labels = new Uint32Array(n);
    for (let i = 0; i < n; i++) labels[i] = data.readUInt16LE(2 * i);
    return { width: info.width, height: info.height, labels };
  }
  if (meta.depth !== 'uchar') {
    throw new EngineError(
      'IMAGE_UNSUPPORTED',
      `mask ${path} has ${meta.depth} samples; 8- or 16-bit expected`,
    );
  }
  const { data, info } = await decode(path, 'mask', sharp(bytes).raw());
  const { width, height, channels } = info;
  const n = width * height;
  const alpha = channels === 2 || channels === 4;
  const colours = alpha ? channels - 1 : channels;
  const labels = new Uint32Array(n);
  if (colours === 1) {
    for (let i = 0; i < n; i++) {
      const j = i * channels;
      labels[i] = alpha && data[j + 1] === 0 ? 0 : data[j]!;
    }
    return { width, height, labels };
  }
  let grey = true;
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    if (alpha && data[j + 3] === 0) continue;
    if (data[j] !== data[j + 1] || data[j] !== data[j + 2]) {
      grey = false;
      break;
    }
  }
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    if (alpha && data[j + 3] === 0) continue;
    labels[i] = grey ? data[j]! : (data[j]! << 16) | (data[j + 1]! << 8) | data[j + 2]!;
  }
  return { width, height, labels };
}
