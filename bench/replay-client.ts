/**
 * One benchmark tablet, as its own Node process (so its monotonic clock is the host's, like the
 * services'): `tsx bench/replay-client.ts URL SECONDS KEEP_EVERY OUT_FILE` records the live stream for
 * SECONDS and writes one JSON object of frame records and kept masks to OUT_FILE.
 */
import { writeFileSync } from 'node:fs';
import { LiveRecorder } from './live-recorder.ts';

const [url, secondsArg, keepArg, outFile] = process.argv.slice(2);
const seconds = Number(secondsArg);
if (!url || !(seconds > 0) || !outFile) {
  console.error('usage: tsx bench/replay-client.ts URL SECONDS KEEP_EVERY OUT_FILE');
  process.exit(2);
}
const recorder = new LiveRecorder(Number(keepArg ?? 10));
await recorder.connect(url);
await new Promise((r) => setTimeout(r, seconds * 1000));
recorder.close();
const ns = (v: bigint | null) => (v === null ? null : v.toString());
writeFileSync(
  outFile,
  JSON.stringify({
    frames: recorder.frames.map((f) => ({
      ...f,
      capturedAtNs: ns(f.capturedAtNs),
      receivedAtNs: ns(f.receivedAtNs),
      maskCapturedAtNs: ns(f.maskCapturedAtNs),
    })),
    kept: recorder.kept.map((k) => ({
      ...k,
      masks: Object.fromEntries(
        [...k.masks].map(([id, m]) => [id, Buffer.from(m).toString('base64')]),
      ),
    })),
  }),
);
process.exit(0);
