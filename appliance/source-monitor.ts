/**
 * What the appliance knows about the capture source, from the frames it receives: the newest
 * frame's header, the measured frame rate, and the sequence gaps (frames conflated away before
 * the appliance read them; counted, never silent). Pure: the caller passes the clock.
 */
import type { FrameHeader } from '../inference/protocol/messages.ts';
import type { CaptureStatusView } from './live/tablet-protocol.ts';
import { RateMeter } from './rate-meter.ts';

/** Capture is `live` while frames arrive within this, `stale` up to STALE, then `down`. */
export const CAPTURE_LIVE_MS = 1000;
export const CAPTURE_DOWN_MS = 5000;

export class SourceMonitor {
  private newestHeader: FrameHeader | null = null;
  private lastAtMs: number | null = null;
  private readonly rate = new RateMeter();
  framesReceived = 0;
  framesSkipped = 0;

  record(header: FrameHeader, nowMs: number): void {
    const previous = this.newestHeader;
    if (previous && previous.sourceId === header.sourceId && header.seq > previous.seq) {
      this.framesSkipped += header.seq - previous.seq - 1;
    }
    this.newestHeader = header;
    this.lastAtMs = nowMs;
    this.framesReceived += 1;
    this.rate.record(nowMs);
  }

  newest(): FrameHeader | null {
    return this.newestHeader;
  }

  size(): { width: number; height: number } | null {
    const h = this.newestHeader;
    return h ? { width: h.width, height: h.height } : null;
  }

  fps(nowMs: number): number {
    return this.rate.rateHz(nowMs);
  }

  lastFrameAgeMs(nowMs: number): number | null {
    return this.lastAtMs === null ? null : Math.max(0, nowMs - this.lastAtMs);
  }

  view(nowMs: number): CaptureStatusView {
    const age = this.lastFrameAgeMs(nowMs);
    const h = this.newestHeader;
    return {
      state:
        age === null || age > CAPTURE_DOWN_MS ? 'down' : age > CAPTURE_LIVE_MS ? 'stale' : 'live',
      sourceId: h?.sourceId ?? null,
      width: h?.width ?? null,
      height: h?.height ?? null,
      fps: Math.round(this.fps(nowMs) * 10) / 10,
      lastFrameAgeMs: age === null ? null : Math.round(age),
    };
  }
}
