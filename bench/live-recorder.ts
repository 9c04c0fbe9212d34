/**
 * A tablet-protocol client that records what a tablet would see: for every frame message, its
 * arrival time (CLOCK_MONOTONIC, comparable with the services' stamps on one host) and the stages
 * of the masks that came with it; masks of sampled frames are kept for Dice afterwards.
 */
import WebSocket from 'ws';
import {
  decodeServerMessage,
  maskBytes,
  type FrameMessage,
  type MaskStages,
} from '../appliance/live/tablet-protocol.ts';

export interface FrameRecord {
  readonly seq: number;
  readonly capturedAtNs: bigint;
  readonly receivedAtNs: bigint;
  readonly maskFrameSeq: number | null;
  readonly maskCapturedAtNs: bigint | null;
  readonly stages: MaskStages | null;
  readonly objectIds: readonly string[];
  readonly synthetic: FrameMessage['synthetic'];
}

export interface KeptMasks {
  readonly seq: number;
  readonly synthetic: FrameMessage['synthetic'];
  readonly width: number;
  readonly height: number;
  /** objectId → run-length mask bytes. */
  readonly masks: ReadonlyMap<string, Uint8Array>;
}

export class LiveRecorder {
  readonly frames: FrameRecord[] = [];
  readonly kept: KeptMasks[] = [];
  private socket: WebSocket | undefined;

  constructor(private readonly keepEvery = 5) {}

  connect(url: string): Promise<void> {
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const receivedAtNs = process.hrtime.bigint();
      if (!isBinary) return;
      const { header, payload } = decodeServerMessage(new Uint8Array(data));
      if (header.kind !== 'frame') return;
      const m = header.masks;
      this.frames.push({
        seq: header.seq,
        capturedAtNs: BigInt(header.capturedAtNs),
        receivedAtNs,
        maskFrameSeq: m ? m.frameSeq : null,
        maskCapturedAtNs: m ? BigInt(m.capturedAtNs) : null,
        stages: m?.stages ?? null,
        objectIds: m ? m.objects.map((o) => o.objectId) : [],
        synthetic: header.synthetic,
      });
      if (m && m.objects.length > 0 && this.frames.length % this.keepEvery === 0) {
        this.kept.push({
          seq: m.frameSeq,
          synthetic: m.frameSeq === header.seq ? header.synthetic : undefined,
          width: m.width,
          height: m.height,
          masks: new Map(
            m.objects.map((o) => [o.objectId, Uint8Array.from(maskBytes(payload, o))]),
          ),
        });
      }
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket?.close();
  }
}
