import { describe, expect, it } from 'vitest';
import { analyseClient, slopePerMinute, type RecordedFrame } from '../bench/replay-analysis.ts';

const ms = (v: number) => String(BigInt(Math.round(v * 1e6)));

function frame(seq: number, capturedMs: number, latencyMs: number, own = true): RecordedFrame {
  const c = capturedMs;
  return {
    seq,
    capturedAtNs: ms(c),
    receivedAtNs: ms(c + latencyMs),
    maskFrameSeq: own ? seq : seq - 1,
    maskCapturedAtNs: ms(own ? c : c - 33),
    stages: {
      daemonReceivedAtNs: ms(c + 1),
      encodeStartNs: ms(c + 2),
      encodeEndNs: ms(c + 5),
      decodeEndNs: ms(c + 10),
      publishedAtNs: ms(c + 10),
      applianceReceivedAtNs: ms(c + 11),
    },
    objectIds: ['a'],
  };
}

describe('replay analysis', () => {
  it('end-to-end latency = capture → arrival of the mask computed on that frame, warm-up and tail skipped', () => {
    const frames = Array.from({ length: 40 }, (_, i) =>
      frame(i, i * 33, i < 10 || i >= 30 ? 500 : 20 + (i % 2)),
    );
    const r = analyseClient(frames);
    expect(r.framesReceived).toBe(20);
    expect(r.endToEndMs.max).toBeCloseTo(21, 6);
    expect(r.endToEndMs.p50).toBeCloseTo(20, 6);
    expect(r.stages.encode.p50).toBeCloseTo(3, 6);
    expect(r.stages.decode.p50).toBeCloseTo(5, 6);
    expect(r.stages.applianceToClient.p50).toBeCloseTo(9, 6);
    // encode start (c + 2) → published (c + 10)
    expect(r.daemonCycleMs.p50).toBeCloseTo(8, 6);
  });

  it('frames shown with an older mask count for mask age, not for end-to-end latency', () => {
    const frames = Array.from({ length: 30 }, (_, i) => frame(i, i * 33, 20, i % 2 === 0));
    const r = analyseClient(frames);
    expect(r.framesWithOwnMasks).toBe(5);
    expect(r.maskAgeMs.max).toBeCloseTo(53, 6);
  });

  it('memory growth is a least-squares slope per minute', () => {
    const samples = Array.from({ length: 60 }, (_, t) => ({
      t,
      v: 100 + 0.5 * t + (t % 2 ? 3 : -3),
    }));
    expect(slopePerMinute(samples)).toBeCloseTo(30, 0);
    expect(slopePerMinute([{ t: 0, v: 1 }])).toBe(0);
  });
});
