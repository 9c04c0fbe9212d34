import { describe, expect, it } from 'vitest';
import { nextCorrectiveClick } from '../bench/eval/corrective-clicks.ts';

const width = 20;
const height = 10;

function rect(mask: Uint8Array, x0: number, y0: number, x1: number, y1: number, v: number): void {
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) mask[y * width + x] = v;
}

describe('nextCorrectiveClick', () => {
  it('clicks positive in the centre of missed foreground when that is the largest error', () => {
    const truth = new Uint8Array(width * height);
    rect(truth, 2, 2, 16, 6, 1);
    const pred = truth.slice();
    rect(pred, 10, 2, 16, 6, 0); // 35 missed pixels
    rect(pred, 0, 8, 3, 9, 1); // 8 false positives
    expect(nextCorrectiveClick(pred, truth, width, height)).toEqual({
      x: 13.5,
      y: 4.5,
      label: 'positive',
    });
  });

  it('clicks negative in the centre of a false positive when that is the largest error', () => {
    const truth = new Uint8Array(width * height);
    rect(truth, 2, 2, 6, 6, 1);
    const pred = truth.slice();
    pred[2 * width + 2] = 0; // 1 missed pixel
    rect(pred, 11, 1, 17, 7, 1); // 49 false positives
    expect(nextCorrectiveClick(pred, truth, width, height)).toEqual({
      x: 14.5,
      y: 4.5,
      label: 'negative',
    });
  });

  it('picks the largest region, not the largest total of one kind', () => {
    const truth = new Uint8Array(width * height);
    const pred = new Uint8Array(width * height);
    // Three separate 2×2 missed regions (12 px in all) vs one 3×3 false positive (9 px).
    rect(truth, 0, 0, 1, 1, 1);
    rect(truth, 5, 0, 6, 1, 1);
    rect(truth, 0, 5, 1, 6, 1);
    rect(pred, 12, 4, 14, 6, 1);
    expect(nextCorrectiveClick(pred, truth, width, height)).toEqual({
      x: 13.5,
      y: 5.5,
      label: 'negative',
    });
  });

  it('returns undefined for an exact prediction', () => {
    const truth = new Uint8Array(width * height);
    rect(truth, 3, 3, 5, 5, 1);
    expect(nextCorrectiveClick(truth.slice(), truth, width, height)).toBeUndefined();
  });

  it('returns a positive click inside the object for an empty prediction', () => {
    const truth = new Uint8Array(width * height);
    rect(truth, 4, 1, 8, 5, 1);
    expect(nextCorrectiveClick(new Uint8Array(width * height), truth, width, height)).toEqual({
      x: 6.5,
      y: 3.5,
      label: 'positive',
    });
  });
});
