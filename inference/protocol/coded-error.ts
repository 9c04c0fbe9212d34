/**
 * The one shape of every service's coded errors: a `code` from that service's table (which its
 * docs mirror) and the message `CODE: detail`, so a code survives any log line or wire reply.
 */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
