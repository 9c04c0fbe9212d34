/**
 * Splits a MetaImage (.mha/.mhd) header into its `Key = Value` fields (pure). The header is text
 * lines up to and including `ElementDataFile = …`; the data (for LOCAL) starts right after that line.
 * A later duplicate key replaces an earlier one, as in MetaIO.
 */
import { CaptureError } from '../../errors.ts';

export interface MetaHeader {
  readonly fields: ReadonlyMap<string, string>;
  /** Byte offset just past the ElementDataFile line: where LOCAL data begins. */
  readonly dataOffset: number;
}

const NEWLINE = 0x0a;
/** Longest header line accepted; a PLUS sequence has many short lines, never one this long. */
const MAX_LINE_BYTES = 1 << 20;

export function parseMetaHeader(bytes: Uint8Array, what: string): MetaHeader {
  const fields = new Map<string, string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;
  let lineNo = 0;
  while (pos < bytes.length) {
    let end = bytes.indexOf(NEWLINE, pos);
    if (end < 0) end = bytes.length;
    lineNo += 1;
    if (end - pos > MAX_LINE_BYTES) throw malformed(what, lineNo, 'line too long (binary data?)');
    let line: string;
    try {
      line = decoder.decode(bytes.subarray(pos, end)).replace(/\r$/, '');
    } catch {
      throw malformed(what, lineNo, 'not text: binary data before any ElementDataFile line');
    }
    pos = Math.min(end + 1, bytes.length);
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      const binary = /[\x00-\x08\x0e-\x1f]/.test(line);
      throw malformed(
        what,
        lineNo,
        binary
          ? 'binary data before any ElementDataFile line'
          : `expected "Key = Value", got "${line.slice(0, 60)}"`,
      );
    }
    fields.set(key, line.slice(eq + 1).trim());
    if (key === 'ElementDataFile') return { fields, dataOffset: pos };
  }
  throw new CaptureError('SOURCE_INVALID', `${what}: MetaImage header has no ElementDataFile line`);
}

function malformed(what: string, lineNo: number, detail: string): CaptureError {
  return new CaptureError('SOURCE_INVALID', `${what}: MetaImage header line ${lineNo}: ${detail}`);
}
