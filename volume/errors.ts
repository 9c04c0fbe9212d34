/**
 * Coded errors of the volume I/O module (volume/). Every code is listed here once, with its
 * meaning; docs/errors.md mirrors this table and test/errors-doc.test.ts keeps the two in sync.
 */
import { CodedError } from '../inference/protocol/coded-error.ts';

export const VOLUME_ERROR_CODES = {
  VOLUME_UNREADABLE: 'the volume file is missing, unreadable, malformed or truncated',
  VOLUME_FORMAT_UNSUPPORTED:
    'the file is not a supported volume format, or its data type or dimensionality is not supported',
  VOLUME_GEOMETRY_MISMATCH: 'a label volume or slice mask does not match the volume grid',
  VOLUME_SLICE_INVALID: 'the slice axis, slice index or intensity window is out of range',
  VOLUME_WRITE_FAILED: 'a volume or slice file could not be written',
} as const;

export type VolumeErrorCode = keyof typeof VOLUME_ERROR_CODES;

export class VolumeError extends CodedError<VolumeErrorCode> {
  override readonly name = 'VolumeError';
}

export function isVolumeError(e: unknown, code?: VolumeErrorCode): e is VolumeError {
  return e instanceof VolumeError && (code === undefined || e.code === code);
}
