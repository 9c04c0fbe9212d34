/**
 * What the appliance knows about the inference daemon, from its heartbeats and control replies:
 * `down` (never heard, or silent for DOWN), `stale` (silent for STALE), `connecting` (heard, but
 * hello + setPrompts not yet done for its current bootId) or `ready`. Pure: the caller passes the clock.
 */
import type { DaemonStats, StatusHeader } from '../inference/protocol/messages.ts';
import type { DaemonStatusView } from './live/tablet-protocol.ts';

export const DAEMON_STALE_MS = 3000;
export const DAEMON_DOWN_MS = 10_000;

export interface DaemonHealth extends DaemonStatusView {
  readonly bootId: string | null;
  readonly modelSha256: string | null;
  readonly executionProvider: string | null;
  readonly promptCount: number | null;
  readonly stats: DaemonStats | null;
}

export type PromptSyncState = DaemonStatusView['promptSync'];

export class DaemonState {
  private status: StatusHeader | null = null;
  private lastStatusAtMs: number | null = null;
  private readyBootId: string | null = null;
  private modelId: string | null = null;
  private promptSync: PromptSyncState = 'idle';
  private lastError: { code: string; message: string } | null = null;

  get bootId(): string | null {
    return this.status?.bootId ?? null;
  }

  get latestStatus(): StatusHeader | null {
    return this.status;
  }

  /** Records a heartbeat; `newBoot` when its bootId differs from the last one heard. */
  onStatus(status: StatusHeader, nowMs: number): { newBoot: boolean } {
    const newBoot = status.bootId !== this.status?.bootId;
    this.status = status;
    this.lastStatusAtMs = nowMs;
    this.modelId = status.modelId;
    return { newBoot };
  }

  /** hello and the first setPrompts succeeded for this boot. */
  markReady(bootId: string, modelId: string): void {
    this.readyBootId = bootId;
    this.modelId = modelId;
    this.lastError = null;
  }

  isReady(): boolean {
    return this.readyBootId !== null && this.readyBootId === this.status?.bootId;
  }

  setPromptSync(state: PromptSyncState): void {
    this.promptSync = state;
  }

  setError(error: { code: string; message: string } | null): void {
    this.lastError = error;
  }

  statusAgeMs(nowMs: number): number | null {
    return this.lastStatusAtMs === null ? null : Math.max(0, nowMs - this.lastStatusAtMs);
  }

  view(nowMs: number): DaemonHealth {
    const age = this.statusAgeMs(nowMs);
    const state =
      age === null || age > DAEMON_DOWN_MS
        ? 'down'
        : age > DAEMON_STALE_MS
          ? 'stale'
          : this.isReady()
            ? 'ready'
            : 'connecting';
    const s = this.status;
    return {
      state,
      modelId: this.modelId,
      paused: s?.paused ?? null,
      lastStatusAgeMs: age === null ? null : Math.round(age),
      promptSync: this.promptSync,
      lastError: this.lastError,
      bootId: s?.bootId ?? null,
      modelSha256: s?.modelSha256 ?? null,
      executionProvider: s?.executionProvider ?? null,
      promptCount: s?.promptCount ?? null,
      stats: s?.stats ?? null,
    };
  }
}
