/**
 * The frame publisher: one ZeroMQ PUB socket bound to the frames endpoint, sending each frame as
 * one single-part envelope (FrameHeader + pixel bytes). Policy: newest wins: the socket is
 * conflated, so a subscriber that lags holds at most the newest frame queued, never a backlog.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Publisher } from 'zeromq';
import { encodeEnvelope } from '../inference/protocol/envelope.ts';
import type { FrameHeader } from '../inference/protocol/messages.ts';

export interface FramePublisher {
  readonly endpoint: string;
  send(header: FrameHeader, pixels: Uint8Array): Promise<void>;
  close(): void;
}

/** Creates the folder of an ipc:// endpoint (owner-only) when it is missing. */
async function ensureIpcDir(endpoint: string): Promise<void> {
  if (!endpoint.startsWith('ipc://')) return;
  await mkdir(dirname(endpoint.slice('ipc://'.length)), { recursive: true, mode: 0o700 });
}

export async function openFramePublisher(endpoint: string): Promise<FramePublisher> {
  await ensureIpcDir(endpoint);
  const socket = new Publisher({ conflate: true, linger: 0 });
  await socket.bind(endpoint);
  return {
    endpoint,
    send: (header, pixels) => socket.send(encodeEnvelope(header, pixels)),
    close: () => socket.close(),
  };
}
