/**
 * Paired mode: each frame goes out together with the masks computed on it (matched by seq).
 * A frame waits at most `maxMaskAgeMs` for its masks, then goes out alone so video keeps flowing;
 * while no masks have arrived for `masksFlowingMs` (inference down or idle) frames go out at once.
 * Output seqs only increase: a frame older than one already sent is dropped, and masks for seq s
 * release every held frame older than s (the daemon has moved past them; they will get no masks).
 * Held frames and early masks live in small bounded maps (oldest evicted). Pure: no clocks, no I/O.
 */
import { BoundedSeqMap } from '../bounded-seq-map.ts';
import type { EncodedFrame, FrameMasks } from './stream-types.ts';

export interface PairedEmission {
  readonly frame: EncodedFrame;
  /** The masks computed on this very frame, or null when sent alone. */
  readonly masks: FrameMasks | null;
}

export interface PairingStats {
  paired: number;
  alone: number;
  /** Frames never sent: older than one already sent, or released without masks. */
  superseded: number;
  /** Masks that came after their frame had gone (alone or superseded). */
  lateMasks: number;
}

interface Held {
  readonly frame: EncodedFrame;
  readonly deadlineMs: number;
}

export class Pairing {
  private readonly held: BoundedSeqMap<Held>;
  private readonly early: BoundedSeqMap<FrameMasks>;
  private last: { seq: number; capturedAtNs: bigint } | null = null;
  private lastMasksAtMs = -Infinity;
  readonly stats: PairingStats = { paired: 0, alone: 0, superseded: 0, lateMasks: 0 };

  constructor(
    private readonly options: {
      readonly maxMaskAgeMs: number;
      readonly window?: number;
      readonly masksFlowingMs?: number;
    },
  ) {
    this.held = new BoundedSeqMap(options.window ?? 16);
    this.early = new BoundedSeqMap(options.window ?? 16);
  }

  /** Forget everything (new source: its seqs start over). */
  reset(): void {
    this.held.clear();
    this.early.clear();
    this.last = null;
  }

  addFrame(frame: EncodedFrame, nowMs: number): PairedEmission[] {
    const out = this.expire(nowMs);
    if (this.last !== null && frame.seq <= this.last.seq) {
      if (BigInt(frame.capturedAtNs) > this.last.capturedAtNs) {
        this.reset(); // seq went back while time went on: the source restarted
      } else {
        this.stats.superseded += 1;
        return out;
      }
    }
    const masks = this.early.get(frame.seq);
    if (masks !== undefined) {
      out.push(this.emit(frame, masks));
    } else if (nowMs - this.lastMasksAtMs > (this.options.masksFlowingMs ?? 1000)) {
      out.push(this.emit(frame, null));
    } else {
      const before = this.held.evicted;
      this.held.set(frame.seq, { frame, deadlineMs: nowMs + this.options.maxMaskAgeMs });
      this.stats.superseded += this.held.evicted - before;
    }
    return out;
  }

  addMasks(masks: FrameMasks, nowMs: number): PairedEmission[] {
    this.lastMasksAtMs = nowMs;
    const out = this.expire(nowMs);
    if (this.last !== null && masks.frameSeq <= this.last.seq) {
      this.stats.lateMasks += 1;
      return out;
    }
    const held = this.held.get(masks.frameSeq);
    if (held !== undefined) {
      out.push(this.emit(held.frame, masks));
    } else {
      this.stats.superseded += this.held.takeBelow(masks.frameSeq).length;
      this.early.set(masks.frameSeq, masks);
    }
    return out;
  }

  /** Held frames whose wait is over: the newest of them goes out alone, older ones are dropped. */
  expire(nowMs: number): PairedEmission[] {
    let newestDue: Held | undefined;
    for (const h of this.held.values()) if (h.deadlineMs <= nowMs) newestDue = h;
    return newestDue === undefined ? [] : [this.emit(newestDue.frame, null)];
  }

  /** When expire() next has work, or null. */
  nextDeadlineMs(): number | null {
    let next: number | null = null;
    for (const h of this.held.values())
      if (next === null || h.deadlineMs < next) next = h.deadlineMs;
    return next;
  }

  private emit(frame: EncodedFrame, masks: FrameMasks | null): PairedEmission {
    this.stats.superseded += this.held.takeBelow(frame.seq).length;
    this.held.delete(frame.seq);
    this.early.takeBelow(frame.seq + 1); // masks whose frame never came: nothing to pair them with
    this.last = { seq: frame.seq, capturedAtNs: BigInt(frame.capturedAtNs) };
    if (masks === null) this.stats.alone += 1;
    else this.stats.paired += 1;
    return { frame, masks };
  }
}
