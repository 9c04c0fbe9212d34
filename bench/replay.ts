/**
 * `npm run bench:replay -- [--seconds N] [--clients C] [--objects K] [--fps F] [--size WxH]
 * [--source S] [--schedule free-running|tick-aligned] [--seed S] [--structures N] [--no-frame-seq]
 * [--json]`: starts
 * the whole stack, connects C
 * tablet processes, places K prompts (on phantom structures; elsewhere at fixed positions), and
 * reports per-stage latency, the daemon's cycle (encode start → masks published), throughput, Dice
 * against the phantom and the services' memory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { createPhantom } from '../capture/phantom/index.ts';
import { decodeRle } from '../inference/protocol/mask-rle.ts';
import { diceAgainstLabel } from './eval/overlap-metrics.ts';
import { interiorPointPrompt } from './eval/prompts-from-truth.ts';
import { LiveRecorder } from './live-recorder.ts';
import { startLiveStack } from './live-stack.ts';
import { analyseClient, slopePerMinute, type RecordedFrame } from './replay-analysis.ts';
import { latencySummary } from './latency-summary.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    clients: { type: 'string', default: '1' },
    objects: { type: 'string', default: '2' },
    fps: { type: 'string', default: '30' },
    size: { type: 'string', default: '512x512' },
    source: { type: 'string', default: 'synthetic' },
    schedule: { type: 'string', default: 'free-running' },
    seed: { type: 'string', default: '1' },
    structures: { type: 'string', default: '5' },
    // Prompts sent without the frame they were computed on (seeded on the daemon's newest frame).
    'no-frame-seq': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const objects = Number(values.objects);
const [width, height] = (values.size ?? '').split('x').map(Number);
const seed = Number(values.seed);
const structures = Number(values.structures);
if (
  !(seconds >= 5) ||
  !(clients >= 1) ||
  !(objects >= 0 && objects <= 16) ||
  !width ||
  !height ||
  !(Number.isInteger(structures) && structures >= 0 && structures <= 60)
) {
  console.error(
    'usage: npm run bench:replay -- [--seconds N≥5] [--clients C] [--objects K≤16] [--fps F] [--size WxH] [--source S] [--schedule S] [--seed S] [--structures N≤60] [--no-frame-seq] [--json]',
  );
  process.exit(2);
}
const say = (line: string) => {
  if (!values.json) console.error(line);
};

const stack = await startLiveStack({
  POCUS_SOURCE: values.source ?? 'synthetic',
  POCUS_FPS: values.fps ?? '30',
  POCUS_FRAME_SIZE: `${width}x${height}`,
  POCUS_PHANTOM_SEED: String(seed),
  POCUS_PHANTOM_STRUCTURES: String(structures),
  POCUS_SCHEDULE: values.schedule ?? 'free-running',
});
const stop = () => stack.stop();
process.on('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  await stack.waitReady();
  say(`stack ready at ${stack.baseUrl}`);

  // Where to prompt: the largest phantom structures in view now, else fixed positions. The phantom
  // is built before the newest frame is read, so the taps land on the frame being processed.
  const phantom =
    values.source === 'synthetic'
      ? createPhantom({ width, height, seed, structureCount: structures })
      : null;
  const probe = new LiveRecorder(1_000_000);
  await probe.connect(stack.wsUrl);
  while (probe.frames.length === 0) await new Promise((r) => setTimeout(r, 50));
  const latest = probe.frames.at(-1)!;
  probe.close();
  const shown = latest.synthetic ? phantom?.frame(latest.synthetic.index) : undefined;
  // Where a sonographer taps: the middle of the structure (its most interior pixel), not its
  // centroid, which can lie outside a concave structure or in a vessel inside an organ.
  const tapOn = (labels: Uint8Array, id: number) => {
    const p = interiorPointPrompt(
      Uint8Array.from(labels, (v) => (v === id ? 1 : 0)),
      width,
      height,
    )!;
    return { x: p.x, y: p.y, structureId: id };
  };
  const targets: { x: number; y: number; structureId: number | null }[] = shown
    ? shown.objects
        .filter((o) => o.kind !== 'reflector' && o.inViewFraction === 1 && o.areaPx > 0)
        .sort((a, b) => b.areaPx - a.areaPx)
        .slice(0, objects)
        .map((o) => tapOn(shown.labels, o.id))
    : Array.from({ length: objects }, (_, i) => ({
        x: width * (0.3 + (0.4 * (i % 3)) / 2),
        y: height * (0.3 + (0.4 * Math.floor(i / 3)) / 3),
        structureId: null,
      }));
  const placed = new Map<string, number | null>();
  for (const t of targets) {
    const res = await fetch(`${stack.baseUrl}/api/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-name': 'bench:replay' },
      // Placed on the frame the taps were computed on, as a tablet names the frame it shows.
      body: JSON.stringify({
        points: [{ x: t.x, y: t.y, label: 'positive' }],
        ...(values['no-frame-seq'] ? {} : { frameSeq: latest.seq }),
      }),
    });
    const body = (await res.json()) as { prompt?: { objectId: string } };
    if (!body.prompt) throw new Error(`prompt refused: ${JSON.stringify(body)}`);
    placed.set(body.prompt.objectId, t.structureId);
  }
  say(`placed ${placed.size} prompt(s); recording ${seconds} s with ${clients} client(s)`);

  type Stats = {
    framesReceived: number;
    framesProcessed: number;
    framesSkippedStale: number;
    ticksOverrun: number;
    encodeRateHz: number;
  };
  const daemonStats = async () =>
    ((await stack.health()) as { inference: { stats: Stats } }).inference.stats;
  const before = await daemonStats();
  const rss: Record<string, { t: number; v: number }[]> = {
    capture: [],
    inference: [],
    appliance: [],
  };
  const t0 = Date.now();
  const sampler = setInterval(() => {
    for (const name of Object.keys(rss)) {
      const pid = stack.supervisor.pid(name);
      if (!pid) continue;
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
        rss[name]!.push({ t: (Date.now() - t0) / 1000, v: kb / 1024 });
      } catch {
        // the process is restarting
      }
    }
  }, 1000);
  const outDir = mkdtempSync(join(tmpdir(), 'replay-'));
  const outFiles = Array.from({ length: clients }, (_, i) => join(outDir, `client-${i}.json`));
  await Promise.all(
    outFiles.map((file) =>
      run(process.execPath, [
        '--import',
        'tsx',
        'bench/replay-client.ts',
        stack.wsUrl,
        String(seconds),
        '10',
        file,
      ]),
    ),
  );
  clearInterval(sampler);
  const after = await daemonStats();
  const captureLine = [...stack.lines].reverse().find((l) => /overwritten unread/.test(l)) ?? '';
  const num = (re: RegExp) => Number(re.exec(captureLine)?.[1] ?? NaN);

  const parsed = outFiles.map(
    (file) =>
      JSON.parse(readFileSync(file, 'utf8')) as {
        frames: (RecordedFrame & { synthetic?: { seed: number; index: number } })[];
        kept: {
          seq: number;
          synthetic?: { index: number };
          width: number;
          height: number;
          masks: Record<string, string>;
        }[];
      },
  );
  const perClient = parsed.map((p) => analyseClient(p.frames));
  const first = perClient[0]!;
  const allFrames = parsed[0]!.frames;
  const seqs = allFrames.map((f) => f.seq);
  const framesCaptured = seqs.length ? Math.max(...seqs) - Math.min(...seqs) + 1 : 0;

  // Dice of kept masks against the phantom structure each prompt was placed on.
  const dices: number[] = [];
  const perStructure = new Map<string, { structureId: number; dices: number[]; empty: number }>();
  if (phantom) {
    for (const k of parsed[0]!.kept) {
      if (!k.synthetic) continue;
      const labels = phantom.frame(k.synthetic.index).labels;
      for (const [objectId, b64] of Object.entries(k.masks)) {
        const structureId = placed.get(objectId);
        if (structureId === null || structureId === undefined) continue;
        const rle = new Uint8Array(Buffer.from(b64, 'base64'));
        // A lost object carries no mask: nothing is shown, which scores 0 against its structure.
        const mask =
          rle.length === 0
            ? new Uint8Array(k.width * k.height)
            : decodeRle(rle, new Uint8Array(k.width * k.height));
        const dice = diceAgainstLabel(mask, labels, structureId);
        dices.push(dice);
        const entry = perStructure.get(objectId) ?? { structureId, dices: [], empty: 0 };
        entry.dices.push(dice);
        if (rle.length === 0) entry.empty++;
        perStructure.set(objectId, entry);
      }
    }
  }
  const rssReport = Object.fromEntries(
    Object.entries(rss).map(([name, s]) => [
      name,
      {
        start: s[0]?.v ?? NaN,
        end: s.at(-1)?.v ?? NaN,
        max: Math.max(...s.map((p) => p.v)),
        growthMbPerMin: slopePerMinute(s.slice(Math.min(5, s.length - 1))),
      },
    ]),
  );
  const report = {
    config: {
      seconds,
      clients,
      objects: placed.size,
      fps: Number(values.fps),
      size: `${width}x${height}`,
      source: values.source,
      schedule: values.schedule,
      promptsNameTheirFrame: !values['no-frame-seq'],
    },
    endToEndMs: first.endToEndMs,
    daemonCycleMs: first.daemonCycleMs,
    stages: first.stages,
    perClientEndToEndP99Ms: perClient.map((c) => c.endToEndMs.p99),
    framesCaptured,
    framesProcessed: after.framesProcessed - before.framesProcessed,
    framesSkipped: after.framesSkippedStale - before.framesSkippedStale,
    framesReceivedByDaemon: after.framesReceived - before.framesReceived,
    framesOverwritten: num(/overwritten unread (\d+)/),
    framesDroppedAtCapture: num(/dropped (\d+)/),
    ticksOverrun: after.ticksOverrun - before.ticksOverrun,
    processedFraction: framesCaptured
      ? (after.framesProcessed - before.framesProcessed) / framesCaptured
      : 0,
    masksPerSecond: first.framesWithOwnMasks / seconds,
    maskAgeMs: { p50: first.maskAgeMs.p50, p99: first.maskAgeMs.p99 },
    meanDice: dices.length ? dices.reduce((s, d) => s + d, 0) / dices.length : null,
    diceSamples: latencySummary(dices),
    perObject: [...perStructure].map(([objectId, e]) => ({
      objectId,
      structureId: e.structureId,
      samples: e.dices.length,
      lostSamples: e.empty,
      meanDice: e.dices.reduce((s, d) => s + d, 0) / e.dices.length,
    })),
    rssMb: rssReport,
  };
  if (values.json) {
    console.log(JSON.stringify(report));
  } else {
    const row = (name: string, s: { p50: number; p95: number; p99: number; max: number }) =>
      `${name.padEnd(20)} p50 ${s.p50.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  p99 ${s.p99.toFixed(1).padStart(6)}  max ${s.max.toFixed(1).padStart(6)}`;
    console.log(`bench:replay ${JSON.stringify(report.config)}`);
    console.log(row('end-to-end ms', report.endToEndMs));
    for (const [name, s] of Object.entries(report.stages)) console.log(row(`  ${name}`, s));
    console.log(row('daemon cycle ms', report.daemonCycleMs));
    console.log(
      `frames: captured ${report.framesCaptured}, processed ${report.framesProcessed} (${(100 * report.processedFraction).toFixed(1)} %), skipped stale ${report.framesSkipped}, overwritten ${report.framesOverwritten}, ticks overrun ${report.ticksOverrun}`,
    );
    console.log(
      `masks/s ${report.masksPerSecond.toFixed(1)}, mask age p50 ${report.maskAgeMs.p50.toFixed(1)} p99 ${report.maskAgeMs.p99.toFixed(1)} ms, mean Dice ${report.meanDice?.toFixed(3) ?? 'n/a'}`,
    );
    for (const o of report.perObject) {
      console.log(
        `  object ${o.objectId} on structure ${o.structureId}: mean Dice ${o.meanDice.toFixed(3)} over ${o.samples} sampled frames, ${o.lostSamples} without a mask`,
      );
    }
    for (const [name, r] of Object.entries(report.rssMb)) {
      console.log(
        `rss ${name.padEnd(10)} start ${r.start.toFixed(1)} end ${r.end.toFixed(1)} max ${r.max.toFixed(1)} MB, growth ${r.growthMbPerMin.toFixed(2)} MB/min`,
      );
    }
  }
} finally {
  await stop();
}
process.exit(0);
