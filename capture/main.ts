/**
 * Entry point of the capture service: wiring only. Config → source → ring → publisher → paced
 * loop; SIGINT/SIGTERM stop it cleanly (exit 0). A refused configuration or source exits 2
 * (do not restart), any other fault 1.
 */
import { startCaptureLoop } from './capture-loop.ts';
import { loadCaptureConfig } from './config.ts';
import { isCaptureError } from './errors.ts';
import type { CapturedFrame } from './frame-header.ts';
import { openFramePublisher } from './publisher.ts';
import { FrameRing } from './ring-buffer.ts';
import { openSource } from './sources/open-source.ts';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  const config = loadCaptureConfig();
  const source = await openSource(config.source, {
    width: config.frameWidth,
    height: config.frameHeight,
    phantomSeed: config.phantomSeed,
    phantomStructures: config.phantomStructures,
  });
  for (const note of source.notes) log(`capture: ${source.id}: ${note}`);
  const frameBytes = source.width * source.height * source.channels;
  const ring = new FrameRing<CapturedFrame>({ capacity: config.ringFrames, frameBytes });
  const publisher = await openFramePublisher(config.endpoints.frames);
  log(
    `capture: ready: ${source.id} ${source.width}×${source.height}×${source.channels} at ` +
      `${config.fps} fps on ${publisher.endpoint}, ring ${config.ringFrames} frames ` +
      `(${((config.ringFrames * frameBytes) / 2 ** 20).toFixed(1)} MiB)`,
  );
  const loop = startCaptureLoop({
    source,
    ring,
    publisher,
    fps: config.fps,
    loop: config.loop,
    log,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => loop.stop());
  try {
    const final = await loop.done;
    log(
      `capture: stopped after ${final.framesPublished} frames, dropped ${final.framesDropped}, ` +
        `overwritten unread ${final.overwrittenUnread}`,
    );
  } finally {
    publisher.close();
    await source.close();
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    console.error(isCaptureError(e) ? `capture: ${e.message}` : e);
    process.exitCode = isCaptureError(e) ? 2 : 1;
  },
);
