/**
 * One ZeroMQ message = one frame of bytes: [u32 LE header length][header JSON, UTF-8][binary body].
 * Single-part on purpose: ZeroMQ's `conflate` ("keep only the newest") works on single-part
 * messages only, and every frame/result link here is newest-wins.
 */
import { CodedError } from './coded-error.ts';
import { PROTOCOL_VERSION } from './version.ts';

export class ProtocolError extends CodedError<'PROTOCOL_MALFORMED' | 'PROTOCOL_VERSION_MISMATCH'> {
  override readonly name = 'ProtocolError';
}

export function encodeEnvelope<H extends { readonly v: number }>(
  header: H,
  body: Uint8Array = new Uint8Array(0),
): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(4 + json.length + body.length);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  out.set(body, 4 + json.length);
  return out;
}

export function decodeEnvelope(message: Buffer): { header: Record<string, unknown>; body: Buffer } {
  if (message.length < 4)
    throw new ProtocolError('PROTOCOL_MALFORMED', 'message shorter than its length prefix');
  const n = message.readUInt32LE(0);
  if (4 + n > message.length)
    throw new ProtocolError('PROTOCOL_MALFORMED', 'header length exceeds the message');
  let header: unknown;
  try {
    header = JSON.parse(message.subarray(4, 4 + n).toString('utf8'));
  } catch {
    throw new ProtocolError('PROTOCOL_MALFORMED', 'header is not JSON');
  }
  if (typeof header !== 'object' || header === null)
    throw new ProtocolError('PROTOCOL_MALFORMED', 'header is not an object');
  const v = (header as { v?: unknown }).v;
  if (v !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      'PROTOCOL_VERSION_MISMATCH',
      `peer speaks protocol ${String(v)}, this side ${PROTOCOL_VERSION}`,
    );
  }
  return { header: header as Record<string, unknown>, body: message.subarray(4 + n) };
}

/** The request id of a message that failed to decode, when it can still be read (else 0). */
export function peekRequestId(message: Buffer): number {
  try {
    const n = message.readUInt32LE(0);
    const id: unknown = (
      JSON.parse(message.subarray(4, 4 + n).toString('utf8')) as { id?: unknown }
    ).id;
    return typeof id === 'number' && Number.isInteger(id) ? id : 0;
  } catch {
    return 0;
  }
}
