/**
 * The appliance's SUB on the capture service's frames, with `conflate` (ZeroMQ keeps only the
 * newest message: a slow appliance skips frames, it never queues them; the gaps show up as
 * `framesSkipped` in the source monitor). Each frame is checked against its schema and size,
 * then handed on; a malformed frame is counted and dropped.
 */
import { Subscriber } from 'zeromq';
import { decodeEnvelope, ProtocolError } from '../inference/protocol/envelope.ts';
import { FrameHeader, parseHeader } from '../inference/protocol/messages.ts';

export type FrameListener = (header: FrameHeader, pixels: Uint8Array) => void;

export interface FramesLink {
  readonly malformed: number;
  close(): Promise<void>;
}

export function openFramesLink(options: {
  readonly endpoint: string;
  readonly onFrame: FrameListener;
  readonly log?: (line: string) => void;
}): FramesLink {
  const log = options.log ?? ((line: string) => console.error(line));
  const socket = new Subscriber({ conflate: true, linger: 0 });
  socket.connect(options.endpoint);
  socket.subscribe();
  let closed = false;
  let malformed = 0;
  const logged = new Set<string>();

  const handle = (message: Buffer): void => {
    try {
      const { header, body } = decodeEnvelope(message);
      const frame = parseHeader(FrameHeader, header, 'frame');
      const expected = frame.width * frame.height * frame.channels;
      if (body.length !== expected) {
        throw new ProtocolError(
          'PROTOCOL_MALFORMED',
          `frame ${frame.seq}: ${body.length} bytes, expected ${expected}`,
        );
      }
      options.onFrame(frame, body);
    } catch (e) {
      malformed += 1;
      const code = e instanceof ProtocolError ? e.code : 'INTERNAL';
      if (!logged.has(code)) {
        logged.add(code);
        log(
          `frames link: ${e instanceof Error ? e.message : String(e)} (further ${code} are counted)`,
        );
      }
    }
  };

  const loop = (async () => {
    try {
      for await (const parts of socket) {
        const message = parts[parts.length - 1];
        if (message !== undefined) handle(message);
      }
    } catch (e) {
      if (!closed) log(`frames link: loop ended: ${e instanceof Error ? e.message : String(e)}`);
    }
  })();

  return {
    get malformed() {
      return malformed;
    },
    async close() {
      if (closed) return;
      closed = true;
      socket.close();
      await loop;
    },
  };
}
