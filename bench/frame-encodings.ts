/**
 * Measures the tablet frame encodings (sharp JPEG/PNG vs raw) on phantom frames: bytes per frame
 * and encode time percentiles; the figures in docs/appliance.md come from this script.
 * With --browser, also the decode + draw time in Debian chromium (headless, software canvas).
 * Usage: npm run bench:encodings -- [--frames N] [--size WxH] [--browser]
 */
import { performance } from 'node:perf_hooks';
import sharp, { type Sharp } from 'sharp';
import { createPhantom } from '../capture/phantom/index.ts';

interface Variant {
  readonly name: string;
  readonly encode: (pixels: Uint8Array, width: number, height: number) => Promise<Uint8Array>;
}

const grey = (pixels: Uint8Array, width: number, height: number): Sharp =>
  sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace('b-w');

const VARIANTS: readonly Variant[] = [
  { name: 'raw', encode: (p) => Promise.resolve(p) },
  ...[60, 80, 90].map((q) => ({
    name: `jpeg q${q}`,
    encode: (p: Uint8Array, w: number, h: number) =>
      grey(p, w, h).jpeg({ quality: q, mozjpeg: false }).toBuffer(),
  })),
  {
    name: 'jpeg q80 mozjpeg',
    encode: (p, w, h) => grey(p, w, h).jpeg({ quality: 80, mozjpeg: true }).toBuffer(),
  },
  ...[1, 6].map((level) => ({
    name: `png level ${level}`,
    encode: (p: Uint8Array, w: number, h: number) =>
      grey(p, w, h).png({ compressionLevel: level }).toBuffer(),
  })),
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Decode + draw in chromium: createImageBitmap for JPEG/PNG, putImageData for raw grey. */
async function measureBrowser(
  samples: { name: string; bytes: Uint8Array }[],
  width: number,
  height: number,
): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = await browser.newPage();
  console.log('\n| encoding | chromium decode + draw ms p50 | p95 |');
  console.log('| --- | --- | --- |');
  for (const { name, bytes } of samples) {
    const times = await page.evaluate(
      async ([b64, type, w, h]) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d');
        if (!ctx) return [];
        const image = new ImageData(w, h);
        const out: number[] = [];
        for (let i = 0; i < 60; i++) {
          const t0 = performance.now();
          if (type === 'raw') {
            for (let p = 0, q = 0; p < w * h; p++, q += 4) {
              const v = bin[p] ?? 0;
              image.data[q] = v;
              image.data[q + 1] = v;
              image.data[q + 2] = v;
              image.data[q + 3] = 255;
            }
            ctx.putImageData(image, 0, 0);
          } else {
            const bitmap = await createImageBitmap(new Blob([bin], { type }));
            ctx.drawImage(bitmap, 0, 0);
            bitmap.close();
          }
          ctx.getImageData(0, 0, 1, 1); // wait for the draw
          out.push(performance.now() - t0);
        }
        return out.slice(10).sort((a, b) => a - b);
      },
      [
        Buffer.from(bytes).toString('base64'),
        name.startsWith('jpeg') ? 'image/jpeg' : name.startsWith('png') ? 'image/png' : 'raw',
        width,
        height,
      ] as const,
    );
    console.log(
      `| ${name} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 95).toFixed(2)} |`,
    );
  }
  await browser.close();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const frameCount = Number(args[args.indexOf('--frames') + 1] ?? 60) || 60;
  const sizeArg = args.includes('--size') ? (args[args.indexOf('--size') + 1] ?? '') : '512x512';
  const [width, height] = sizeArg.split('x').map(Number) as [number, number];
  const phantom = createPhantom({ seed: 7, width, height });
  const frames = Array.from({ length: frameCount }, (_, i) => phantom.frame(i).image);
  console.log(
    `${frameCount} phantom frames ${width}×${height} grey; sharp concurrency ${sharp.concurrency()}`,
  );
  const samples: { name: string; bytes: Uint8Array }[] = [];
  console.log('| encoding | bytes/frame (median) | encode ms p50 | p95 | max | MB/s at 30 fps |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const v of VARIANTS) {
    for (const f of frames.slice(0, 5)) await v.encode(f, width, height); // warm-up
    const times: number[] = [];
    const sizes: number[] = [];
    for (const f of frames) {
      const t0 = performance.now();
      const out = await v.encode(f, width, height);
      times.push(performance.now() - t0);
      sizes.push(out.length);
    }
    samples.push({
      name: v.name,
      bytes: await v.encode(frames[0] ?? new Uint8Array(0), width, height),
    });
    times.sort((a, b) => a - b);
    sizes.sort((a, b) => a - b);
    const bytes = percentile(sizes, 50);
    console.log(
      `| ${v.name} | ${bytes} | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 95).toFixed(2)} | ${(times.at(-1) ?? NaN).toFixed(2)} | ${((bytes * 30) / 1e6).toFixed(2)} |`,
    );
  }
  if (args.includes('--browser')) await measureBrowser(samples, width, height);
}

await main();
