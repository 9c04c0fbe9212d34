import { describe, expect, it } from 'vitest';
import { chooseObjects, delayBeforeCycleMs, isStale } from '../inference/daemon/cycle-plan.ts';
import { trackerKey, trackingSetupFor } from '../inference/daemon/tracking-setup.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  peekRequestId,
  ProtocolError,
} from '../inference/protocol/envelope.ts';
import { decodeRle, encodeRle } from '../inference/protocol/mask-rle.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';

describe('envelope', () => {
  it('round-trips header and body', () => {
    const body = new Uint8Array([1, 2, 3, 250]);
    const m = encodeEnvelope({ v: PROTOCOL_VERSION, kind: 'x', n: 5 }, body);
    const { header, body: b } = decodeEnvelope(m);
    expect(header).toEqual({ v: PROTOCOL_VERSION, kind: 'x', n: 5 });
    expect([...b]).toEqual([...body]);
  });
  it('refuses another version, truncation and non-JSON with codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ProtocolError ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => decodeEnvelope(encodeEnvelope({ v: PROTOCOL_VERSION + 1 })))).toBe(
      'PROTOCOL_VERSION_MISMATCH',
    );
    expect(code(() => decodeEnvelope(Buffer.from([9, 0, 0, 0, 1])))).toBe('PROTOCOL_MALFORMED');
    const junk = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('abc')]);
    expect(code(() => decodeEnvelope(junk))).toBe('PROTOCOL_MALFORMED');
    expect(peekRequestId(encodeEnvelope({ v: 99, id: 17 }))).toBe(17);
    expect(peekRequestId(junk)).toBe(0);
  });
});

describe('mask run-length encoding', () => {
  it('round-trips masks starting with either value, including empty and full', () => {
    for (const mask of [
      Uint8Array.from([0, 0, 1, 1, 1, 0, 1]),
      Uint8Array.from([1, 1, 0]),
      new Uint8Array(10),
      new Uint8Array(10).fill(1),
    ]) {
      expect([...decodeRle(encodeRle(mask), new Uint8Array(mask.length))]).toEqual([...mask]);
    }
    expect(encodeRle(Uint8Array.from([1, 1, 0])).length).toBe(12); // runs 0, 2, 1
  });
  it('encodes runs exactly as a plain pixel-by-pixel scan, for any length, offset and foreground value', () => {
    const plain = (m: Uint8Array): number[] => {
      const runs: number[] = [];
      let current = 0;
      let length = 0;
      for (const v of m) {
        const b = v ? 1 : 0;
        if (b === current) length++;
        else {
          runs.push(length);
          current = b;
          length = 1;
        }
      }
      runs.push(length);
      return runs;
    };
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 200; t++) {
      const n = Math.floor(rand() * 300);
      const backing = new Uint8Array(n + 3);
      const m = backing.subarray(t % 4, (t % 4) + n); // aligned and unaligned views
      let v = rand() < 0.5 ? 0 : 255;
      for (let i = 0; i < n; i++) {
        if (rand() < 0.08) v = v ? 0 : rand() < 0.5 ? 1 : 255;
        m[i] = v;
      }
      const rle = encodeRle(m);
      const view = new DataView(rle.buffer);
      const runs = Array.from({ length: rle.length / 4 }, (_, i) => view.getUint32(i * 4, true));
      expect(runs).toEqual(plain(m));
    }
  });
  it('refuses runs that do not cover the mask exactly', () => {
    expect(() => decodeRle(encodeRle(new Uint8Array(5)), new Uint8Array(6))).toThrow(RangeError);
    expect(() => decodeRle(encodeRle(new Uint8Array(7)), new Uint8Array(6))).toThrow(RangeError);
  });
});

describe('cycle planning', () => {
  it('a frame older than one tick is stale', () => {
    expect(isStale(1_000_000_000n, 1_000_000_000n - 59_000_000n, 60)).toBe(false);
    expect(isStale(1_000_000_000n, 1_000_000_000n - 61_000_000n, 60)).toBe(true);
  });
  it('free-running starts at once; tick-aligned waits for the next boundary', () => {
    expect(delayBeforeCycleMs('free-running', 125_000_000n, 0n, 60)).toBe(0);
    expect(delayBeforeCycleMs('tick-aligned', 125_000_000n, 0n, 60)).toBeCloseTo(55);
    expect(delayBeforeCycleMs('tick-aligned', 120_000_000n, 0n, 60)).toBe(0);
  });
  it('decodes everything that fits; else the least recently updated first', () => {
    const objects = [
      { objectId: 'a', lastDecodedNs: 30n },
      { objectId: 'b', lastDecodedNs: 10n },
      { objectId: 'c', lastDecodedNs: 20n },
    ];
    expect(chooseObjects(objects, 3, 60)).toEqual(['a', 'b', 'c']);
    expect(chooseObjects(objects, 25, 60)).toEqual(['b', 'c']);
    expect(chooseObjects(objects, 100, 60)).toEqual(['b']);
  });
  it('puts shown objects first; lost objects being searched for come after and every other cycle', () => {
    const objects = [
      { objectId: 'lost', lastDecodedNs: 1n, searching: true },
      { objectId: 'a', lastDecodedNs: 30n },
      { objectId: 'b', lastDecodedNs: 10n },
    ];
    expect(chooseObjects(objects, 3, 60)).toEqual(['lost', 'a', 'b']);
    // Only two fit: the shown ones, although the lost one waited longest.
    expect(chooseObjects(objects, 25, 60)).toEqual(['a', 'b']);
    // Searched in the previous cycle: skipped this one even though everything fits.
    const again = objects.map((o) => (o.searching ? { ...o, searchedLastCycle: true } : o));
    expect(chooseObjects(again, 3, 60)).toEqual(['a', 'b']);
    // Nothing but a lost object: it is still searched (at least one object per cycle).
    expect(chooseObjects([{ ...again[0]! }], 3, 60)).toEqual(['lost']);
  });
});

describe('tracking setup per frame', () => {
  it("cine frames get the model family's tracker per (model, size); volume slices the gated volume tracker", () => {
    const cineFrame = { width: 512, height: 400 };
    const sliceFrame = {
      ...cineFrame,
      spacingMm: [0.8, 1.0] as [number, number],
      sliceSpacingMm: 3,
    };
    expect(trackerKey('abc', cineFrame)).toBe('abc:512x400');
    expect(trackerKey('abc', sliceFrame)).toBe('abc:512x400:slices');
    expect(trackingSetupFor('builtin', cineFrame)).toEqual({
      params: trackingParamsFor('builtin'),
    });
    const slices = trackingSetupFor('builtin', sliceFrame);
    expect(slices.gatePixelMm).toBeCloseTo(0.9, 9);
    expect(slices.params.noEchoGrey).toBe(-1);
    expect(slices.params.useBox).toBe(true);
    expect(trackingSetupFor('sam', { width: 1, height: 1, sliceSpacingMm: 2 }).gatePixelMm).toBe(1);
  });
});
