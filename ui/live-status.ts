/**
 * The slow-changing part of the tablet's view (connection, state from the appliance, latency
 * figures), in one small observable: components re-render when it changes (a few times a second
 * at most), never per frame.
 */
import type { ErrorMessage, StateMessage, StreamMode } from '../appliance/live/tablet-protocol.ts';
import type { ConnectionStatus } from './live-connection.ts';
import type { PaintStats } from './frame-painter.ts';

export interface LiveStatus {
  readonly connection: ConnectionStatus;
  readonly clientId: string | null;
  readonly mode: StreamMode;
  readonly state: StateMessage | null;
  readonly paint: PaintStats | null;
  readonly clockRttMs: number | null;
  readonly lastError: ErrorMessage | null;
  /** The object that taps refine (addPoint), or null: taps start new objects. */
  readonly selected: string | null;
}

export class StatusStore {
  private value: LiveStatus = {
    connection: 'connecting',
    clientId: null,
    mode: 'paired',
    state: null,
    paint: null,
    clockRttMs: null,
    lastError: null,
    selected: null,
  };
  private readonly listeners = new Set<(status: LiveStatus) => void>();

  get(): LiveStatus {
    return this.value;
  }

  update(change: Partial<LiveStatus>): void {
    this.value = { ...this.value, ...change };
    for (const listener of this.listeners) listener(this.value);
  }

  subscribe(listener: (status: LiveStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
