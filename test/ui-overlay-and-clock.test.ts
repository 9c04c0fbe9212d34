import { describe, expect, it } from 'vitest';
import { encodeRle } from '../inference/protocol/mask-rle.ts';
import { ClockOffset } from '../ui/clock-offset.ts';
import {
  EDGE_ALPHA,
  FILL_ALPHA,
  MaskOverlay,
  parseColor,
  UNCERTAIN_FILL_ALPHA,
} from '../ui/mask-overlay.ts';

describe('mask overlay', () => {
  it('paints each object in its colour, translucent inside and strong on the edge; reuses its buffer', () => {
    const w = 7;
    const h = 5;
    const mask = new Uint8Array(w * h);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 4; x++) mask[y * w + x] = 1;
    const overlay = new MaskOverlay();
    overlay.paint(w, h, [{ color: '#ff8000', rle: encodeRle(mask) }]);
    const px = (x: number, y: number) => [
      ...overlay.rgba.subarray((y * w + x) * 4, (y * w + x) * 4 + 4),
    ];
    expect(px(0, 0)).toEqual([0, 0, 0, 0]);
    expect(px(1, 1)).toEqual([255, 128, 0, EDGE_ALPHA]);
    expect(px(2, 2)).toEqual([255, 128, 0, FILL_ALPHA]);
    const buffer = overlay.rgba;
    const boxes = overlay.paint(w, h, [{ color: '#00ff00', rle: Uint8Array.of(1, 2, 3) }]);
    expect(boxes).toEqual([null]); // bad RLE: skipped
    expect(overlay.rgba).toBe(buffer);
    expect(px(2, 2)).toEqual([0, 0, 0, 0]);
  });

  it('paints an uncertain object fainter with a dashed edge, and returns each painted box', () => {
    const w = 24;
    const h = 20;
    const mask = new Uint8Array(w * h);
    for (let y = 2; y <= 15; y++) for (let x = 3; x <= 20; x++) mask[y * w + x] = 1;
    const empty = new Uint8Array(w * h);
    const overlay = new MaskOverlay();
    const boxes = overlay.paint(w, h, [
      { color: '#ff8000', rle: encodeRle(mask), uncertain: true },
      { color: '#00ff00', rle: encodeRle(empty) },
    ]);
    expect(boxes).toEqual([{ x0: 3, y0: 2, x1: 21, y1: 16 }, null]);
    const alpha = (x: number, y: number) => overlay.rgba[(y * w + x) * 4 + 3];
    expect(alpha(10, 8)).toBe(UNCERTAIN_FILL_ALPHA);
    expect(UNCERTAIN_FILL_ALPHA).toBeLessThan(FILL_ALPHA);
    const topEdge = Array.from({ length: 18 }, (_, i) => alpha(3 + i, 2));
    expect(topEdge).toContain(EDGE_ALPHA); // dashes…
    expect(topEdge).toContain(UNCERTAIN_FILL_ALPHA); // …and gaps
    overlay.paint(w, h, [{ color: '#ff8000', rle: encodeRle(mask) }]);
    expect(
      Array.from({ length: 18 }, (_, i) => alpha(3 + i, 2)).every((a) => a === EDGE_ALPHA),
    ).toBe(true); // tracking: a solid edge
  });

  it('parses palette colours, white for anything else', () => {
    expect(parseColor('#35A7FF')).toEqual([0x35, 0xa7, 0xff]);
    expect(parseColor('red')).toEqual([255, 255, 255]);
  });
});

describe('clock offset', () => {
  it('takes the offset from the shortest round trip', () => {
    const c = new ClockOffset();
    expect(c.offsetMs()).toBeNull();
    c.add({ sentMs: 100, receivedMs: 140, serverMs: 5130 }); // rtt 40, offset 5010
    c.add({ sentMs: 200, receivedMs: 204, serverMs: 5202 }); // rtt 4, offset 5000
    c.add({ sentMs: 300, receivedMs: 290, serverMs: 1 }); // impossible: ignored
    expect(c.offsetMs()).toBe(5000);
    expect(c.rttMs()).toBe(4);
  });
});
