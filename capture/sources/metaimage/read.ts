/**
 * Reads a whole MetaImage file (.mha with LOCAL data, or .mhd + separate data file; raw or
 * zlib/gzip-compressed) into memory as uint8 frames. Every fault of the files is SOURCE_INVALID;
 * a layout this reader does not handle is SOURCE_UNSUPPORTED.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { unzip } from 'node:zlib';
import { CaptureError } from '../../errors.ts';
import { toUint8 } from './element-type.ts';
import { readFrameFields, type FrameFields } from './frame-fields.ts';
import { parseMetaHeader } from './header.ts';
import { interpretMetaHeader, type MetaLayout } from './layout.ts';

const unzipAsync = promisify(unzip);

export interface MetaImage {
  readonly layout: MetaLayout;
  /** All frames, uint8, frame after frame (each width × height × channels bytes). */
  readonly pixels: Uint8Array;
  /** Per-frame fields (transforms, timestamps), by frame index. */
  readonly frames: readonly FrameFields[];
  /** DefaultFrameTransformName, when the file declares one. */
  readonly defaultTransformName?: string;
  /** Notes for the operator (conversions, ignored bytes). */
  readonly notes: readonly string[];
}

async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CaptureError('SOURCE_INVALID', `${what}: cannot read ${path} (${code})`, {
      cause: e,
    });
  }
}

async function elementData(
  path: string,
  layout: MetaLayout,
  local: Buffer,
  what: string,
): Promise<{ data: Uint8Array; notes: string[] }> {
  const notes: string[] = [];
  let stored: Uint8Array = local;
  if (layout.dataFile !== 'LOCAL') {
    const file = await readBytes(resolve(dirname(path), layout.dataFile), what);
    const skip = layout.headerSize === -1 ? file.length - layout.dataBytes : layout.headerSize;
    if (skip < 0 || skip > file.length) {
      throw new CaptureError(
        'SOURCE_INVALID',
        `${what}: data file ${layout.dataFile} is ${file.length} bytes, shorter than its data`,
      );
    }
    stored = file.subarray(skip);
  }
  if (layout.compressed) {
    const size = layout.compressedSize ?? stored.length;
    if (stored.length < size) {
      throw new CaptureError(
        'SOURCE_INVALID',
        `${what}: compressed data truncated (${stored.length} of ${size} bytes)`,
      );
    }
    let inflated: Buffer;
    try {
      inflated = await unzipAsync(stored.subarray(0, size));
    } catch (e) {
      throw new CaptureError(
        'SOURCE_INVALID',
        `${what}: compressed data is corrupt or truncated (${(e as Error).message})`,
        { cause: e },
      );
    }
    stored = inflated;
  }
  if (stored.length < layout.dataBytes) {
    throw new CaptureError(
      'SOURCE_INVALID',
      `${what}: data truncated (${stored.length} of ${layout.dataBytes} bytes)`,
    );
  }
  if (stored.length > layout.dataBytes) {
    notes.push(`${stored.length - layout.dataBytes} bytes after the image data ignored`);
  }
  return { data: stored.subarray(0, layout.dataBytes), notes };
}

export async function readMetaImage(path: string): Promise<MetaImage> {
  const what = basename(path);
  const file = await readBytes(path, what);
  const header = parseMetaHeader(file, what);
  const layout = interpretMetaHeader(header.fields, what);
  const { data, notes } = await elementData(path, layout, file.subarray(header.dataOffset), what);
  const converted = toUint8(data, layout.elementType, layout.littleEndian);
  const defaultTransformName = header.fields.get('DefaultFrameTransformName');
  return {
    layout,
    pixels: converted.pixels,
    frames: readFrameFields(header.fields, layout.frameCount, what),
    ...(defaultTransformName && { defaultTransformName }),
    notes: converted.note ? [converted.note, ...notes] : notes,
  };
}
