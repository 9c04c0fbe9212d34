/**
 * Reads a source spec string into the kind of source it names (pure: no file system access).
 * `synthetic`; a path to a .mha/.mhd MetaImage file or to a folder of PNG frames (optionally
 * prefixed `file:`); live sources (`igtl://`, `v4l2:`) are recognised and refused as not built.
 */
import { CaptureError } from '../errors.ts';

export type SourceSpec =
  | { readonly kind: 'synthetic' }
  /** A path: a MetaImage file or a folder of PNG frames, decided by what it is on disk. */
  | { readonly kind: 'path'; readonly path: string };

/** Live sources that are planned but not built yet: refused with SOURCE_UNSUPPORTED. */
const PLANNED: Readonly<Record<string, string>> = {
  igtl: 'OpenIGTLink (PLUS server)',
  openigtlink: 'OpenIGTLink (PLUS server)',
  v4l2: 'V4L2 frame grabber',
};

export function parseSourceSpec(spec: string): SourceSpec {
  const s = spec.trim();
  if (s === 'synthetic') return { kind: 'synthetic' };
  if (s.startsWith('file:')) {
    const path = s.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new CaptureError('SOURCE_INVALID', `source "${spec}" names no path`);
    return { kind: 'path', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const planned = PLANNED[scheme];
    throw new CaptureError(
      'SOURCE_UNSUPPORTED',
      planned
        ? `source "${spec}": ${planned} capture is not built yet`
        : `source "${spec}": unknown source kind "${scheme}:" (synthetic, a .mha/.mhd file, a PNG folder)`,
    );
  }
  if (s === '') throw new CaptureError('SOURCE_INVALID', 'the source spec is empty');
  return { kind: 'path', path: s };
}
