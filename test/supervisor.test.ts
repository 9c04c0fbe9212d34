import { describe, expect, it } from 'vitest';
import {
  nextFailureCount,
  restartDelayMs,
  MAX_DELAY_MS,
} from '../appliance/supervisor/restart-policy.ts';
import { Supervisor } from '../appliance/supervisor/supervisor.ts';
import { REPO_ROOT } from './support/processes.ts';

describe('restart policy', () => {
  it('backs off exponentially while a child dies young, capped', () => {
    expect(restartDelayMs(1)).toBe(500);
    expect(restartDelayMs(2)).toBe(1000);
    expect(restartDelayMs(4)).toBe(4000);
    expect(restartDelayMs(20)).toBe(MAX_DELAY_MS);
  });
  it('a child that ran long enough starts the count again', () => {
    expect(nextFailureCount(5, 1000)).toBe(6);
    expect(nextFailureCount(5, 60_000)).toBe(1);
  });
});

describe('supervisor (real child processes)', () => {
  it('restarts a crashing child with backoff, prefixes its lines, and stops everyone', async () => {
    const lines: string[] = [];
    const sup = new Supervisor(
      [
        { name: 'crashy', entry: 'test/fixtures/crashy-service.ts', env: {} },
        { name: 'steady', entry: 'test/fixtures/steady-service.ts', env: {} },
      ],
      REPO_ROOT,
      (l) => lines.push(l),
    );
    sup.start();
    const started = () => lines.filter((l) => /^\[crashy\]\s+started pid/.test(l)).length;
    const deadline = Date.now() + 30_000;
    while (started() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(started()).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => /crashy exited \(code 3\); restarting in 1000 ms/.test(l))).toBe(true);
    const steadyPid = sup.pid('steady');
    expect(steadyPid).toBeGreaterThan(0);
    await sup.stop();
    expect(lines.some((l) => /^\[steady\]\s+steady stopping/.test(l))).toBe(true);
    expect(() => process.kill(steadyPid!, 0)).toThrow();
  });
});
