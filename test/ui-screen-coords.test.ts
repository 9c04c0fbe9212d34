import { describe, expect, it } from 'vitest';
import { containPlacement, imageToScreen, screenToImage } from '../ui/screen-coords.ts';

describe('screen ⇄ image coordinates (object-fit: contain)', () => {
  const cases = [
    { box: { left: 0, top: 0, width: 512, height: 512 }, image: { width: 512, height: 512 } },
    { box: { left: 10, top: 40, width: 1000, height: 500 }, image: { width: 640, height: 480 } }, // pillarbox
    { box: { left: 3.5, top: 0, width: 300, height: 900 }, image: { width: 512, height: 384 } }, // letterbox
    { box: { left: 0, top: 0, width: 200, height: 100 }, image: { width: 1024, height: 768 } }, // downscaled
  ];

  it('round-trips image points through the screen for several box/image shapes', () => {
    for (const { box, image } of cases) {
      for (const p of [
        { x: 0, y: 0 },
        { x: image.width, y: image.height },
        { x: 100.5, y: 200.25 },
        { x: image.width / 2, y: image.height / 3 },
      ]) {
        const s = imageToScreen(p, box, image);
        const back = screenToImage(s, box, image);
        expect(back?.x).toBeCloseTo(p.x, 9);
        expect(back?.y).toBeCloseTo(p.y, 9);
      }
    }
  });

  it('centres the image with one uniform scale', () => {
    expect(containPlacement({ width: 1000, height: 500 }, { width: 640, height: 480 })).toEqual({
      scale: 500 / 480,
      offsetX: (1000 - 640 * (500 / 480)) / 2,
      offsetY: 0,
    });
    const p = screenToImage({ x: 10 + 500, y: 40 + 250 }, cases[1]!.box, cases[1]!.image);
    expect(p?.x).toBeCloseTo(320, 9);
    expect(p?.y).toBeCloseTo(240, 9);
  });

  it('returns null on the letterbox bars and off the element', () => {
    const { box, image } = cases[1]!;
    const { offsetX } = containPlacement(box, image);
    expect(screenToImage({ x: box.left + offsetX / 2, y: box.top + 100 }, box, image)).toBeNull();
    expect(screenToImage({ x: box.left + box.width - 1, y: box.top + 100 }, box, image)).toBeNull();
    expect(screenToImage({ x: box.left + 500, y: box.top - 1 }, box, image)).toBeNull();
  });

  it('refuses an empty image size', () => {
    expect(() => containPlacement({ width: 10, height: 10 }, { width: 0, height: 5 })).toThrow(
      RangeError,
    );
  });
});
