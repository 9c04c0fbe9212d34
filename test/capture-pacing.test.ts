import { describe, expect, it } from 'vitest';
import { periodNsFor, planNextTick, sourceIndexForTick } from '../capture/pacing.ts';
import { RateLog } from '../capture/rate-log.ts';

const P = 100n; // a 100 ns period keeps the arithmetic readable
const S = 1_000n;

describe('capture pacing (drift-free, skip instead of burst)', () => {
  it('deadlines are start + n × period, whatever the lateness of earlier ticks', () => {
    expect(planNextTick(S, P, 0, S + 10n)).toEqual({ tick: 1, dueNs: S + 100n, dropped: 0 });
    // tick 1 ran 40 ns late: tick 2 is still due at start + 200, not 100 after tick 1
    expect(planNextTick(S, P, 1, S + 140n)).toEqual({ tick: 2, dueNs: S + 200n, dropped: 0 });
  });

  it('less than one period late: the next tick runs at once, nothing dropped', () => {
    expect(planNextTick(S, P, 1, S + 250n)).toEqual({ tick: 2, dueNs: S + 200n, dropped: 0 });
    expect(planNextTick(S, P, 1, S + 300n)).toEqual({ tick: 2, dueNs: S + 200n, dropped: 0 });
  });

  it('more than one period late: skips to the newest due tick and counts the skipped ones', () => {
    expect(planNextTick(S, P, 1, S + 301n)).toEqual({ tick: 3, dueNs: S + 300n, dropped: 1 });
    expect(planNextTick(S, P, 1, S + 1_050n)).toEqual({ tick: 10, dueNs: S + 1_000n, dropped: 8 });
  });

  it('never plans a burst: over a stall, the ticks run are at most one per period after it', () => {
    let plan = { tick: 0, dueNs: S, dropped: 0 };
    let dropped = 0;
    const run: number[] = [];
    // each frame takes 30 ns except tick 3, which stalls for 750 ns
    let now = S;
    while (plan.tick < 20) {
      now = now > plan.dueNs ? now : plan.dueNs;
      run.push(plan.tick);
      now += plan.tick === 3 ? 750n : 30n;
      plan = planNextTick(S, P, plan.tick, now);
      dropped += plan.dropped;
    }
    expect(run).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(dropped).toBe(6);
  });

  it('period for fps, rounded to ns', () => {
    expect(periodNsFor(30)).toBe(33_333_333n);
    expect(periodNsFor(29.97)).toBe(33_366_700n);
    expect(() => periodNsFor(0)).toThrow(RangeError);
  });

  it('replay follows the tick: loops, or ends after the last frame; endless sources use the tick', () => {
    expect([0, 1, 2, 3, 7].map((t) => sourceIndexForTick(t, 3, true))).toEqual([0, 1, 2, 0, 1]);
    expect([0, 2, 3].map((t) => sourceIndexForTick(t, 3, false))).toEqual([0, 2, null]);
    expect(sourceIndexForTick(12345, null, false)).toBe(12345);
  });
});

describe('capture status line', () => {
  it('one line per interval with fps, mean production time and counters', () => {
    const log = new RateLog(0n, 5_000_000_000n);
    const counters = { framesPublished: 150, framesDropped: 2, overwrittenUnread: 0 };
    log.recordProduce(10_000_000n);
    log.recordProduce(14_000_000n);
    expect(log.lineAt(4_999_999_999n, counters)).toBeUndefined();
    expect(log.lineAt(5_000_000_000n, counters)).toBe(
      'capture: 30.0 fps, produce 12.00 ms/frame, published 150, dropped 2, overwritten unread 0',
    );
    expect(log.lineAt(6_000_000_000n, counters)).toBeUndefined();
    expect(log.lineAt(10_000_000_000n, { ...counters, framesPublished: 275 })).toMatch(
      /^capture: 25\.0 fps, produce 0\.00 ms/,
    );
  });
});
