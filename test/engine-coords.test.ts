import { describe, expect, it } from 'vitest';
import {
  imageToModel,
  lowResValidRegion,
  modelGeometry,
  modelToImage,
} from '../inference/engine/coords.ts';

describe('image ⇄ model coordinates', () => {
  it('longest side: one scale for both axes, SAM rounding of the resized size', () => {
    const g = modelGeometry(800, 540, 1024, 'longest-side');
    expect(g.scaleX).toBeCloseTo(1.28);
    expect(g.scaleY).toBe(g.scaleX);
    expect(g.resizedWidth).toBe(1024);
    expect(g.resizedHeight).toBe(691); // 540 × 1.28 = 691.2
  });

  it('stretch: each axis to the input size (MedSAM)', () => {
    const g = modelGeometry(300, 200, 1024, 'stretch');
    expect(imageToModel(g, { x: 300, y: 200 })).toEqual({ x: 1024, y: 1024 });
    expect(imageToModel(g, { x: 150, y: 50 })).toEqual({ x: 512, y: 256 });
  });

  it('round-trips points for many sizes and both modes', () => {
    for (const [w, h] of [
      [512, 512],
      [800, 540],
      [300, 300],
      [37, 911],
    ] as const) {
      for (const mode of ['longest-side', 'stretch'] as const) {
        const g = modelGeometry(w, h, 256, mode);
        for (const p of [
          { x: 0, y: 0 },
          { x: w / 3, y: h / 7 },
          { x: w, y: h },
        ]) {
          const back = modelToImage(g, imageToModel(g, p));
          expect(back.x).toBeCloseTo(p.x, 9);
          expect(back.y).toBeCloseTo(p.y, 9);
        }
      }
    }
  });

  it('maps the low-res grid region that holds the image (padding excluded)', () => {
    const g = modelGeometry(800, 400, 1024, 'longest-side');
    const v = lowResValidRegion(g, 256, 256);
    expect(v.width).toBe(256);
    expect(v.height).toBe(128);
  });
});
