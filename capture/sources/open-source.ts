/**
 * The one factory of frame sources, and the only switch over their kinds: a spec string (see
 * spec.ts and docs/capture.md) becomes a FrameSource, or a coded error: never a silent fallback.
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { CaptureError } from '../errors.ts';
import { openMetaImageSource } from './metaimage-source.ts';
import { openNiftiSource } from './nifti-source.ts';
import { openPngFolderSource } from './png-folder.ts';
import { parseSourceSpec } from './spec.ts';
import { openSyntheticSource } from './synthetic.ts';
import type { FrameSource, SourceOptions } from './types.ts';

type SourceKind =
  | { readonly kind: 'synthetic' }
  | { readonly kind: 'metaimage'; readonly path: string }
  | { readonly kind: 'nifti'; readonly path: string }
  | { readonly kind: 'png-folder'; readonly path: string };

/** What a path is on disk: a folder of PNG frames, a MetaImage file or a NIfTI volume. */
async function classifyPath(path: string): Promise<SourceKind> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CaptureError('SOURCE_INVALID', `source path ${path} cannot be read (${code})`, {
      cause: e,
    });
  }
  if (isDirectory) return { kind: 'png-folder', path };
  const ext = extname(path).toLowerCase();
  if (ext === '.mha' || ext === '.mhd') return { kind: 'metaimage', path };
  if (/\.nii(\.gz)?$/i.test(path)) return { kind: 'nifti', path };
  throw new CaptureError(
    'SOURCE_UNSUPPORTED',
    `source file ${path}: format "${ext || '(no extension)'}" is not supported (.mha, .mhd, .nii, .nii.gz, or a folder of .png)`,
  );
}

export async function openSource(spec: string, options: SourceOptions): Promise<FrameSource> {
  const parsed = parseSourceSpec(spec);
  const source: SourceKind = parsed.kind === 'path' ? await classifyPath(parsed.path) : parsed;
  switch (source.kind) {
    case 'synthetic':
      return openSyntheticSource(options);
    case 'metaimage':
      return openMetaImageSource(source.path);
    case 'png-folder':
      return openPngFolderSource(source.path);
    case 'nifti':
      return openNiftiSource(source.path);
  }
}
