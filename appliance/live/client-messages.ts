/**
 * Server-side parsing of client (tablet) messages: every text message is checked against the
 * ClientMessage schema; anything else becomes a coded refusal, never an exception.
 */
import { Value } from '@sinclair/typebox/value';
import {
  ClientMessage,
  TABLET_PROTOCOL_VERSION,
  type ClientMessage as ClientMessageType,
} from './tablet-protocol.ts';

export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessageType }
  | {
      readonly ok: false;
      readonly code: 'BAD_MESSAGE' | 'PROTOCOL_VERSION_MISMATCH';
      readonly message: string;
      readonly ref?: string;
    };

export function parseClientMessage(data: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, code: 'BAD_MESSAGE', message: 'message is not JSON' };
  }
  const ref =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ref?: unknown }).ref === 'string'
      ? (value as { ref: string }).ref.slice(0, 64)
      : undefined;
  const withRef = ref === undefined ? {} : { ref };
  if (typeof value === 'object' && value !== null && 'v' in value) {
    if (value.v !== TABLET_PROTOCOL_VERSION) {
      return {
        ok: false,
        code: 'PROTOCOL_VERSION_MISMATCH',
        message: `client speaks ${String(value.v)}, the appliance ${TABLET_PROTOCOL_VERSION}`,
        ...withRef,
      };
    }
  }
  if (!Value.Check(ClientMessage, value)) {
    const kind = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : '';
    const variant = ClientMessage.anyOf.find((s) => s.properties.kind.const === kind);
    if (variant === undefined) {
      return {
        ok: false,
        code: 'BAD_MESSAGE',
        message: `unknown kind ${JSON.stringify(kind)}`,
        ...withRef,
      };
    }
    const first = [...Value.Errors(variant, value)][0];
    return {
      ok: false,
      code: 'BAD_MESSAGE',
      message: `${String(kind)}: ${first ? `${first.path || '/'} ${first.message}` : 'invalid'}`,
      ...withRef,
    };
  }
  return { ok: true, message: value };
}
