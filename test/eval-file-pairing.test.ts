import { describe, expect, it } from 'vitest';
import { isEngineError } from '../inference/engine/errors.ts';
import { fileStem, pairFiles, stripMaskSuffix } from '../bench/eval/file-pairing.ts';

function pairingError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isEngineError(e, 'EVAL_INPUT_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected EVAL_INPUT_INVALID');
}

describe('fileStem and stripMaskSuffix', () => {
  it('drops only the last extension', () => {
    expect(fileStem('a.b.png')).toBe('a.b');
    expect(fileStem('102_1(1).gif')).toBe('102_1(1)');
    expect(fileStem('README')).toBe('README');
  });

  it('recognises mask suffixes after a separator, case-insensitively', () => {
    expect(stripMaskSuffix('000_HC_Annotation')).toBe('000_HC');
    expect(stripMaskSuffix('case7-MASK')).toBe('case7');
    expect(stripMaskSuffix('x_seg')).toBe('x');
    expect(stripMaskSuffix('x.gt')).toBe('x');
    expect(stripMaskSuffix('bioseg')).toBeUndefined();
    expect(stripMaskSuffix('mask')).toBeUndefined();
    expect(stripMaskSuffix('001_mask_1')).toBeUndefined();
  });
});

describe('pairFiles', () => {
  it('pairs equal stems across extensions and sorts numerically', () => {
    const pairs = pairFiles(
      ['10.png', '2.png', 'notes.txt', '.DS_Store'],
      ['2.gif', '10.gif', 'list.csv'],
    );
    expect(pairs).toEqual([
      { image: '2.png', mask: '2.gif', stem: '2' },
      { image: '10.png', mask: '10.gif', stem: '10' },
    ]);
  });

  it('accepts _mask, -mask, _Annotation and _seg suffixes and ignores case', () => {
    const pairs = pairFiles(
      ['a.png', 'B.jpg', 'c.PNG', 'd.tif'],
      ['a_mask.png', 'b-mask.png', 'C_Annotation.GIF', 'd_SEG.png'],
    );
    expect(pairs.map((p) => [p.image, p.mask])).toEqual([
      ['a.png', 'a_mask.png'],
      ['B.jpg', 'b-mask.png'],
      ['c.PNG', 'C_Annotation.GIF'],
      ['d.tif', 'd_SEG.png'],
    ]);
  });

  it('refuses two masks claiming one image, naming both', () => {
    const msg = pairingError(() => pairFiles(['a.png'], ['a.png', 'a_mask.png']));
    expect(msg).toMatch(
      /masks (a\.png and a_mask\.png|a_mask\.png and a\.png) both claim image a\.png/,
    );
    pairingError(() => pairFiles(['a.png'], ['a.png', 'a.gif']));
  });

  it('refuses a mask that could belong to two images', () => {
    const msg = pairingError(() => pairFiles(['a.png', 'a_mask.png'], ['a_mask.gif']));
    expect(msg).toContain('could belong to images');
  });

  it('refuses two images with the same stem', () => {
    const msg = pairingError(() => pairFiles(['a.png', 'A.jpg'], ['a_mask.png']));
    expect(msg).toContain('same stem');
  });

  it('refuses unpaired images and unpaired masks, listing them', () => {
    expect(pairingError(() => pairFiles(['a.png', 'b.png'], ['a.png']))).toContain(
      'image(s) without a mask: b.png',
    );
    expect(pairingError(() => pairFiles(['a.png'], ['a.png', 'z_mask.png']))).toContain(
      'mask(s) without an image: z_mask.png',
    );
  });

  it('refuses empty folders and non-mask extensions', () => {
    expect(pairingError(() => pairFiles([], ['a.png']))).toContain('no images');
    expect(pairingError(() => pairFiles(['a.png'], ['a.jpg']))).toContain('no masks');
  });

  it('in one shared folder, takes only suffixed files as masks and never pairs a file with itself', () => {
    const names = ['000_HC.png', '000_HC_Annotation.png', '001_HC.png', '001_HC_Annotation.png'];
    const pairs = pairFiles(names, names, { sameFolder: true });
    expect(pairs.map((p) => [p.image, p.mask])).toEqual([
      ['000_HC.png', '000_HC_Annotation.png'],
      ['001_HC.png', '001_HC_Annotation.png'],
    ]);
    pairingError(() => pairFiles(['x.png'], ['x.png'], { sameFolder: true }));
  });
});
