/**
 * When to restart a crashed child (pure). Policy: exponential backoff from 0.5 s doubling up to
 * 30 s while the child keeps dying young (within 30 s of its start); a child that ran 30 s or more
 * counts as healthy and restarts after the base delay again.
 */
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;
export const HEALTHY_UPTIME_MS = 30_000;

export function nextFailureCount(previousFailures: number, uptimeMs: number): number {
  return uptimeMs >= HEALTHY_UPTIME_MS ? 1 : previousFailures + 1;
}

export function restartDelayMs(failures: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, failures - 1));
}
