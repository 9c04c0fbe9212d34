/**
 * Builds the tablet UI with esbuild's JS API into one folder: app.js (Preact app, bundled and
 * minified, no CDN) and index.html. Run: npx tsx ui/build.ts [--out DIR] [--dev]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const UI_SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DEFAULT_UI_OUT_DIR = resolve(UI_SOURCE_DIR, '..', 'dist', 'ui');

const STYLE = `
  :root { color-scheme: dark; font-family: system-ui, sans-serif; background: #101215; color: #e8e8e8; }
  html, body { margin: 0; height: 100%; }
  #app, .app { height: 100%; display: flex; flex-direction: column; }
  .status { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .4rem .6rem; background: #1b1e23; font-size: .85rem; }
  .pill { padding: .1rem .5rem; border-radius: 999px; }
  .pill.ok { background: #1f5130; } .pill.warn { background: #6a5416; } .pill.bad { background: #6b2323; }
  .figure { color: #b9c0c8; font-variant-numeric: tabular-nums; }
  main { flex: 1; display: flex; min-height: 0; }
  .view { flex: 1; min-width: 0; background: #000; }
  #live { display: block; width: 100%; height: 100%; object-fit: contain; touch-action: manipulation; cursor: crosshair; }
  .objects { width: 16rem; padding: .6rem; overflow-y: auto; background: #16181c; }
  .objects h2 { font-size: 1rem; margin: 0 0 .5rem; }
  .objects ul { list-style: none; padding: 0; margin: 0; }
  .objects li { display: flex; align-items: center; gap: .4rem; margin-bottom: .3rem; }
  .objects li.selected .name { outline: 2px solid #fff; }
  .objects li.state-uncertain .track { color: #ffd27a; } .objects li.state-lost .track { color: #ff9e80; font-style: italic; }
  .swatch { width: .9rem; height: .9rem; border-radius: 3px; flex: none; }
  button { font: inherit; color: inherit; background: #2a2e35; border: 0; border-radius: 4px; padding: .35rem .6rem; }
  button.name { flex: 1; text-align: left; } button.on { background: #3d6fb6; }
  .hint { color: #9aa3ad; font-size: .85rem; } .error { color: #ff8a80; font-size: .85rem; }
  .mode { margin-top: 1rem; display: flex; gap: .3rem; align-items: center; }
  @media (max-width: 700px) { main { flex-direction: column; } .objects { width: auto; max-height: 35%; } }
`;

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">
<title>POCUS live</title>
<style>${STYLE}</style>
</head>
<body>
<div id="app"></div>
<script type="module" src="/app.js"></script>
</body>
</html>
`;

export async function buildUi(
  options: { readonly outDir?: string; readonly minify?: boolean } = {},
): Promise<{ outDir: string; bytes: number }> {
  const outDir = resolve(options.outDir ?? DEFAULT_UI_OUT_DIR);
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(UI_SOURCE_DIR, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'safari15.4', 'firefox100'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    outfile: join(outDir, 'app.js'),
    metafile: true,
    logLevel: 'warning',
  });
  await writeFile(join(outDir, 'index.html'), INDEX_HTML);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { outDir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const { outDir, bytes } = await buildUi({
    ...(outIndex >= 0 && args[outIndex + 1] ? { outDir: args[outIndex + 1] } : {}),
    minify: !args.includes('--dev'),
  });
  console.log(`ui: built ${outDir}/app.js (${(bytes / 1024).toFixed(1)} KiB) and index.html`);
}
