/**
 * Newest mode: the newest frames are shown with the last masks received, as long as those were
 * computed on a frame at most `maxMaskAgeMs` older (capture clock); staler masks are never sent as
 * current. Pure.
 */
import { maskAgeMs, type FrameMasks } from './stream-types.ts';

export class LatestMasks {
  private masks: FrameMasks | null = null;

  constructor(private readonly maxMaskAgeMs: number) {}

  set(masks: FrameMasks): void {
    this.masks = masks; // the daemon publishes in frame order: the last received is the newest
  }

  clear(): void {
    this.masks = null;
  }

  get current(): FrameMasks | null {
    return this.masks;
  }

  /** The last masks and their age relative to `frame`, or null when none or too old. */
  freshFor(frame: { capturedAtNs: string }): { masks: FrameMasks; ageMs: number } | null {
    if (this.masks === null) return null;
    const ageMs = maskAgeMs(frame, this.masks);
    return ageMs <= this.maxMaskAgeMs ? { masks: this.masks, ageMs } : null;
  }
}
