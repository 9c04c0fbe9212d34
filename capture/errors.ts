/**
 * Coded errors of the capture service. Every code is listed here once, with its meaning;
 * docs/capture.md mirrors this table and a test keeps the two in sync.
 */
import { CodedError } from '../inference/protocol/coded-error.ts';

export const CAPTURE_ERROR_CODES = {
  CONFIG_INVALID: 'a configuration value is missing, malformed or out of range',
  SOURCE_UNSUPPORTED: 'the source kind, file format, pixel type or layout is not supported (yet)',
  SOURCE_INVALID: 'the source is missing, unreadable, malformed or truncated',
} as const;

export type CaptureErrorCode = keyof typeof CAPTURE_ERROR_CODES;

export class CaptureError extends CodedError<CaptureErrorCode> {
  override readonly name = 'CaptureError';
}

export function isCaptureError(e: unknown, code?: CaptureErrorCode): e is CaptureError {
  return e instanceof CaptureError && (code === undefined || e.code === code);
}
