/**
 * MetaImage element types this reader accepts, and their conversion to the uint8 the frame
 * contract carries (pure): MET_UCHAR passes through untouched; every other numeric type is mapped
 * linearly from its [min, max] over the whole sequence to [0, 255] (one window for all frames, so
 * brightness does not flicker), and the conversion is reported as a note.
 */
export const ELEMENT_TYPES = {
  MET_UCHAR: { bytes: 1, read: (v: DataView, o: number) => v.getUint8(o) },
  MET_CHAR: { bytes: 1, read: (v: DataView, o: number) => v.getInt8(o) },
  MET_USHORT: { bytes: 2, read: (v: DataView, o: number, le: boolean) => v.getUint16(o, le) },
  MET_SHORT: { bytes: 2, read: (v: DataView, o: number, le: boolean) => v.getInt16(o, le) },
  MET_UINT: { bytes: 4, read: (v: DataView, o: number, le: boolean) => v.getUint32(o, le) },
  MET_INT: { bytes: 4, read: (v: DataView, o: number, le: boolean) => v.getInt32(o, le) },
  MET_FLOAT: { bytes: 4, read: (v: DataView, o: number, le: boolean) => v.getFloat32(o, le) },
  MET_DOUBLE: { bytes: 8, read: (v: DataView, o: number, le: boolean) => v.getFloat64(o, le) },
} as const;

export type ElementType = keyof typeof ELEMENT_TYPES;

export function isElementType(name: string): name is ElementType {
  return Object.hasOwn(ELEMENT_TYPES, name);
}

export interface Uint8Conversion {
  readonly pixels: Uint8Array;
  /** Set when values were converted: what was done, for the operator. */
  readonly note?: string;
}

/** `data` holds exactly the elements; `littleEndian` is !BinaryDataByteOrderMSB. */
export function toUint8(
  data: Uint8Array,
  type: ElementType,
  littleEndian: boolean,
): Uint8Conversion {
  if (type === 'MET_UCHAR') return { pixels: data };
  const { bytes, read } = ELEMENT_TYPES[type];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.byteLength / bytes;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = read(view, i * bytes, littleEndian);
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const out = new Uint8Array(n);
  const scale = max > min ? 255 / (max - min) : 0;
  for (let i = 0; i < n; i++) {
    const x = read(view, i * bytes, littleEndian);
    out[i] = Number.isFinite(x) ? Math.round((x - min) * scale) : 0;
  }
  const range = Number.isFinite(min) ? `[${min}, ${max}]` : '(no finite values)';
  return {
    pixels: out,
    note: `ElementType ${type} converted to uint8: values ${range} mapped linearly to [0, 255]`,
  };
}
