/**
 * Interprets MetaImage header fields as a 2D+time frame sequence (pure): size, element type,
 * where and how the data is stored, and the image geometry. DimSize = W H [N]: the third axis is
 * frames (PLUS "domain domain list"); a volume whose third Kind is "domain" is refused.
 */
import { CaptureError } from '../../errors.ts';
import type { FrameGeometry } from '../types.ts';
import { ELEMENT_TYPES, isElementType, type ElementType } from './element-type.ts';

export interface MetaLayout {
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  readonly channels: 1 | 3;
  readonly elementType: ElementType;
  readonly littleEndian: boolean;
  readonly compressed: boolean;
  /** Bytes of compressed data to read (CompressedDataSize), when given. */
  readonly compressedSize?: number;
  /** 'LOCAL' or a file name relative to the header's folder. */
  readonly dataFile: string;
  /** Bytes to skip at the start of a separate data file; -1 = the data ends the file. */
  readonly headerSize: number;
  /** Bytes of uncompressed element data. */
  readonly dataBytes: number;
  readonly geometry: FrameGeometry;
}

/** Typed access to the fields of one header, with coded errors naming the file. */
class Fields {
  constructor(
    private readonly fields: ReadonlyMap<string, string>,
    private readonly what: string,
  ) {}

  invalid(detail: string): CaptureError {
    return new CaptureError('SOURCE_INVALID', `${this.what}: ${detail}`);
  }

  unsupported(detail: string): CaptureError {
    return new CaptureError('SOURCE_UNSUPPORTED', `${this.what}: ${detail}`);
  }

  /** The first of `keys` (a name and its aliases) that is present. */
  text(...keys: string[]): string | undefined {
    return keys.map((k) => this.fields.get(k)).find((v) => v !== undefined);
  }

  /** The first `count` numbers of the field, undefined when absent. */
  numbers(count: number, ...keys: string[]): number[] | undefined {
    const value = this.text(...keys);
    if (value === undefined) return undefined;
    const list = value.split(/\s+/).filter(Boolean).slice(0, count).map(Number);
    if (list.length < count || list.some((x) => !Number.isFinite(x))) {
      throw this.invalid(`${keys[0]} = "${value}" needs ${count} numbers`);
    }
    return list;
  }

  flag(fallback: boolean, ...keys: string[]): boolean {
    const value = this.text(...keys);
    if (value === undefined) return fallback;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw this.invalid(`${keys[0]} = "${value}" is not True or False`);
  }

  integer(fallback: number, key: string, min: number): number {
    const value = this.text(key);
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isSafeInteger(n) || n < min) {
      throw this.invalid(`${key} = "${value}" is not an integer ≥ ${min}`);
    }
    return n;
  }
}

function readSize(f: Fields): { nDims: 2 | 3; width: number; height: number; frames: number } {
  const objectType = f.text('ObjectType');
  if (objectType !== undefined && objectType !== 'Image') {
    throw f.unsupported(`ObjectType ${objectType} (only Image)`);
  }
  const nDims = Number(f.text('NDims'));
  if (!Number.isInteger(nDims)) throw f.invalid('NDims is missing or not an integer');
  if (nDims !== 2 && nDims !== 3) {
    throw f.unsupported(`NDims = ${nDims}: only 2D images and 2D+time sequences (NDims 2 or 3)`);
  }
  const dims = f.numbers(nDims, 'DimSize');
  if (!dims) throw f.invalid('DimSize is missing');
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw f.invalid('DimSize must be positive integers');
  }
  if (nDims === 3 && f.text('Kinds')?.split(/\s+/)[2] === 'domain') {
    throw f.unsupported('a 3D volume (Kinds third axis "domain"): volume replay is not built yet');
  }
  const [width = 1, height = 1, frames = 1] = dims;
  return { nDims, width, height, frames };
}

function readElement(f: Fields): { type: ElementType; channels: 1 | 3; littleEndian: boolean } {
  if (!f.flag(true, 'BinaryData')) throw f.unsupported('ASCII data (BinaryData = False)');
  const type = f.text('ElementType') ?? '';
  if (!isElementType(type)) {
    const supported = Object.keys(ELEMENT_TYPES).join(', ');
    throw f.unsupported(`ElementType "${type}" (supported: ${supported})`);
  }
  const channels = Number(f.text('ElementNumberOfChannels') ?? '1');
  if (channels !== 1 && channels !== 3) {
    throw f.unsupported(
      `ElementNumberOfChannels = ${f.text('ElementNumberOfChannels')} (only 1 or 3)`,
    );
  }
  const msb = f.flag(false, 'BinaryDataByteOrderMSB', 'ElementByteOrderMSB');
  return { type, channels, littleEndian: !msb };
}

function readStorage(
  f: Fields,
): Pick<MetaLayout, 'compressed' | 'compressedSize' | 'dataFile' | 'headerSize'> {
  const compressed = f.flag(false, 'CompressedData');
  const hasSize = f.text('CompressedDataSize') !== undefined;
  const compressedSize = hasSize ? f.integer(0, 'CompressedDataSize', 1) : undefined;
  const dataFile = f.text('ElementDataFile') ?? '';
  if (dataFile === '') throw f.invalid('ElementDataFile is empty');
  if (dataFile === 'LIST' || dataFile.includes('%')) {
    throw f.unsupported(`ElementDataFile = ${dataFile}: one-file-per-slice data is not supported`);
  }
  const headerSize = f.integer(0, 'HeaderSize', -1);
  if (dataFile === 'LOCAL' && headerSize !== 0) throw f.unsupported('HeaderSize with LOCAL data');
  if (compressed && headerSize === -1) {
    throw f.unsupported('HeaderSize = -1 with compressed data');
  }
  return { compressed, ...(compressedSize && { compressedSize }), dataFile, headerSize };
}

function readGeometry(f: Fields, nDims: number): FrameGeometry {
  const spacing = f.numbers(2, 'ElementSpacing', 'ElementSize');
  if (spacing?.some((s) => !(s > 0))) throw f.invalid('ElementSpacing must be positive');
  const origin = f.numbers(nDims, 'Offset', 'Origin', 'Position');
  const direction = f.numbers(nDims * nDims, 'TransformMatrix', 'Rotation', 'Orientation');
  return {
    ...(spacing && { spacingMm: [spacing[0] ?? 1, spacing[1] ?? 1] as const }),
    ...(origin && { originMm: origin }),
    ...(direction && { direction }),
  };
}

export function interpretMetaHeader(fields: ReadonlyMap<string, string>, what: string): MetaLayout {
  const f = new Fields(fields, what);
  const { nDims, width, height, frames } = readSize(f);
  const element = readElement(f);
  const storage = readStorage(f);
  const dataBytes = width * height * frames * element.channels * ELEMENT_TYPES[element.type].bytes;
  if (dataBytes > 2 ** 32) {
    throw f.unsupported(`${width}×${height}×${frames} is too large to replay from memory`);
  }
  return {
    width,
    height,
    frameCount: frames,
    channels: element.channels,
    elementType: element.type,
    littleEndian: element.littleEndian,
    ...storage,
    dataBytes,
    geometry: readGeometry(f, nDims),
  };
}
