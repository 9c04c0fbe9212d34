/**
 * Frame → tablet image bytes, once per frame for all clients: sharp JPEG (default, quality 80,
 * mozjpeg off: 10× slower for 25 % fewer bytes, see docs/appliance.md), PNG, or the raw pixels.
 * Grey frames stay single-channel (smaller JPEG/PNG).
 */
import sharp from 'sharp';
import type { FrameEncoding } from './tablet-protocol.ts';

export interface FrameEncoder {
  readonly encoding: FrameEncoding;
  encode(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Uint8Array>;
}

export function createFrameEncoder(
  encoding: FrameEncoding,
  options: { readonly jpegQuality?: number } = {},
): FrameEncoder {
  const quality = options.jpegQuality ?? 80;
  const source = (pixels: Uint8Array, width: number, height: number, channels: 1 | 3) => {
    const image = sharp(pixels, { raw: { width, height, channels } });
    return channels === 1 ? image.toColourspace('b-w') : image;
  };
  switch (encoding) {
    case 'raw':
      return { encoding, encode: (pixels) => Promise.resolve(pixels) };
    case 'jpeg':
      return {
        encoding,
        encode: (pixels, width, height, channels) =>
          source(pixels, width, height, channels).jpeg({ quality, mozjpeg: false }).toBuffer(),
      };
    case 'png':
      return {
        encoding,
        encode: (pixels, width, height, channels) =>
          source(pixels, width, height, channels).png({ compressionLevel: 1 }).toBuffer(),
      };
  }
}
