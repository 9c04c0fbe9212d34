/**
 * Coded errors of the appliance (REST answers, WebSocket `error` messages, control-link failures):
 * every code is listed here once with its meaning; docs/protocol.md mirrors this table and a test
 * keeps the two in sync.
 */
import { CodedError } from '../inference/protocol/coded-error.ts';

export const APPLIANCE_ERROR_CODES = {
  CONFIG_INVALID: 'a configuration value is missing, malformed or out of range',
  BAD_REQUEST: 'a REST request (body, parameters or query) breaks its schema',
  NOT_FOUND: 'no such route',
  BAD_MESSAGE: 'a WebSocket message is not JSON text or breaks its schema',
  PROTOCOL_VERSION_MISMATCH: 'the peer speaks another version of the protocol',
  PROMPT_INVALID: 'a point or box is malformed or lies outside the current image',
  PROMPT_LIMIT: 'too many objects, or too many points on one object',
  UNKNOWN_OBJECT: 'no active object has this id',
  UPGRADE_REQUIRED: '/live is a WebSocket endpoint; a plain HTTP request was made',
  UI_NOT_BUILT: 'the UI bundle (dist/ui) is missing: run `npm run build:ui`',
  INFERENCE_UNAVAILABLE: 'the inference daemon is not connected; the request was not sent',
  INFERENCE_TIMEOUT: 'the inference daemon did not answer a control request in time',
  INFERENCE_REJECTED: 'the inference daemon answered a control request with an error',
  INFERENCE_BUSY: 'too many control requests are pending',
  LINK_CLOSED: 'the link closed while the request was pending',
  INTERNAL: 'an unexpected fault in the appliance (a bug): see its log',
} as const;

export type ApplianceErrorCode = keyof typeof APPLIANCE_ERROR_CODES;

export class ApplianceError extends CodedError<ApplianceErrorCode> {
  override readonly name = 'ApplianceError';
}

export function isApplianceError(e: unknown, code?: ApplianceErrorCode): e is ApplianceError {
  return e instanceof ApplianceError && (code === undefined || e.code === code);
}
