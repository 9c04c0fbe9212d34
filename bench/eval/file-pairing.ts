/** Pairs image files with their ground-truth mask files by file stem (pure: names in, pairs or a coded error out). */
import { EngineError } from '../../inference/engine/errors.ts';

/** Extensions (lower case, with dot) taken as images; anything else in the images folder is ignored. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.tif',
  '.tiff',
  '.webp',
  '.bmp',
];

/** Extensions (lower case, with dot) taken as masks; anything else in the masks folder is ignored. */
export const MASK_EXTENSIONS: readonly string[] = ['.png', '.gif'];

/**
 * A mask stem may be the image stem itself or the image stem followed by one separator
 * (`_`, `-`, `.` or a space) and one of these words, case-insensitive: `001_mask`, `000_HC_Annotation`,
 * `case7-seg`, `x.gt`. A separator is required so that a stem like `bioseg` is never read as `bio`.
 */
export const MASK_SUFFIX_WORDS: readonly string[] = [
  'mask',
  'masks',
  'annotation',
  'annotations',
  'anno',
  'seg',
  'segmentation',
  'label',
  'labels',
  'gt',
  'groundtruth',
];

const SUFFIX_RE = new RegExp(`^(.+)[_. -](?:${MASK_SUFFIX_WORDS.join('|')})$`, 'i');

export interface FilePair {
  /** File name of the image (no folder). */
  readonly image: string;
  /** File name of the mask (no folder). */
  readonly mask: string;
  /** The image's stem (file name without its extension). */
  readonly stem: string;
}

export interface PairingOptions {
  /**
   * Images and masks are listed from the same folder: then only suffixed names (`x_mask.png`) are
   * masks, they are not images themselves, and a file never pairs with itself.
   */
  readonly sameFolder?: boolean;
}

/** The name without its last extension (`a.b.png` → `a.b`); a name without a dot is its own stem. */
export function fileStem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The image stem a mask stem names once a mask suffix is removed, or undefined if it has none. */
export function stripMaskSuffix(stem: string): string | undefined {
  return SUFFIX_RE.exec(stem)?.[1];
}

function listSome(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Pairs every image with exactly one mask. Stems are compared case-insensitively.
 * Hidden files and files with other extensions are ignored. Throws `EVAL_INPUT_INVALID` when two
 * images share a stem, when two masks claim one image (or one mask two images), when an image has
 * no mask or a mask no image, and when nothing pairs at all. Pairs come sorted by image name
 * (numeric-aware, so `2.png` precedes `10.png`).
 */
export function pairFiles(
  imageNames: readonly string[],
  maskNames: readonly string[],
  options: PairingOptions = {},
): FilePair[] {
  const visible = (n: string): boolean => !n.startsWith('.');
  let images = imageNames.filter((n) => visible(n) && IMAGE_EXTENSIONS.includes(extension(n)));
  let masks = maskNames.filter((n) => visible(n) && MASK_EXTENSIONS.includes(extension(n)));

  if (options.sameFolder) {
    const imageStems = new Set(images.map((n) => fileStem(n).toLowerCase()));
    masks = masks.filter((n) => {
      const base = stripMaskSuffix(fileStem(n));
      return base !== undefined && imageStems.has(base.toLowerCase());
    });
    const maskSet = new Set(masks);
    images = images.filter((n) => !maskSet.has(n));
  }

  if (images.length === 0) {
    throw new EngineError(
      'EVAL_INPUT_INVALID',
      `no images found (extensions ${IMAGE_EXTENSIONS.join(' ')})`,
    );
  }
  if (masks.length === 0) {
    throw new EngineError(
      'EVAL_INPUT_INVALID',
      `no masks found (extensions ${MASK_EXTENSIONS.join(' ')})`,
    );
  }

  const imageByStem = new Map<string, string>();
  for (const name of images) {
    const key = fileStem(name).toLowerCase();
    const other = imageByStem.get(key);
    if (other !== undefined) {
      throw new EngineError('EVAL_INPUT_INVALID', `images ${other} and ${name} have the same stem`);
    }
    imageByStem.set(key, name);
  }

  const masksOf = new Map<string, string[]>();
  const unmatchedMasks: string[] = [];
  for (const mask of masks) {
    const stem = fileStem(mask);
    const keys: string[] = [];
    if (!options.sameFolder) keys.push(stem.toLowerCase());
    const base = stripMaskSuffix(stem);
    if (base !== undefined) keys.push(base.toLowerCase());
    const claimed = [
      ...new Set(keys.map((k) => imageByStem.get(k)).filter((i) => i !== undefined)),
    ];
    if (claimed.length > 1) {
      throw new EngineError(
        'EVAL_INPUT_INVALID',
        `mask ${mask} could belong to images ${claimed.join(' and ')}`,
      );
    }
    const image = claimed[0];
    if (image === undefined) {
      unmatchedMasks.push(mask);
      continue;
    }
    const list = masksOf.get(image) ?? [];
    list.push(mask);
    masksOf.set(image, list);
  }

  const pairs: FilePair[] = [];
  const unmatchedImages: string[] = [];
  for (const image of images) {
    const list = masksOf.get(image) ?? [];
    if (list.length > 1) {
      throw new EngineError(
        'EVAL_INPUT_INVALID',
        `masks ${list.sort(byName).join(' and ')} both claim image ${image}`,
      );
    }
    const mask = list[0];
    if (mask === undefined) unmatchedImages.push(image);
    else pairs.push({ image, mask, stem: fileStem(image) });
  }

  const problems: string[] = [];
  if (unmatchedImages.length > 0) {
    problems.push(
      `${unmatchedImages.length} image(s) without a mask: ${listSome(unmatchedImages.sort(byName))}`,
    );
  }
  if (unmatchedMasks.length > 0) {
    problems.push(
      `${unmatchedMasks.length} mask(s) without an image: ${listSome(unmatchedMasks.sort(byName))}`,
    );
  }
  if (problems.length > 0) {
    throw new EngineError(
      'EVAL_INPUT_INVALID',
      `${problems.join('; ')} (a mask is named like its image, optionally with a suffix such as _mask or _Annotation)`,
    );
  }
  return pairs.sort((a, b) => byName(a.image, b.image));
}
