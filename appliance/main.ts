/**
 * The appliance process, wiring only: config → store → prompt service → inference link and frames
 * link → live hub → HTTP app, then listen. SIGINT/SIGTERM close everything in reverse and exit 0.
 * Run: npx tsx appliance/main.ts
 */
import { buildApp } from './app.ts';
import { loadApplianceConfig } from './config.ts';
import { openFramesLink } from './frames-link.ts';
import { openInferenceLink } from './inference-link.ts';
import { createFrameEncoder } from './live/frame-encoder.ts';
import { createLiveHub } from './live/live-hub.ts';
import { PromptService } from './prompt-service.ts';
import { SourceMonitor } from './source-monitor.ts';
import { Store } from './store.ts';

const config = loadApplianceConfig();
const store = Store.open(config.dbPath);
const sessionId = store.startSession(Date.now(), 'appliance started');
const source = new SourceMonitor();
const now = () => performance.now();

const prompts = new PromptService({ store, imageSize: () => source.size() });

const inference = openInferenceLink({
  resultsEndpoint: config.endpoints.results,
  controlEndpoint: config.endpoints.control,
  requestTimeoutMs: config.controlTimeoutMs,
  activePrompts: () => prompts.specs(),
});

const hub = createLiveHub({
  encoder: createFrameEncoder(config.frameEncoding, { jpegQuality: config.jpegQuality }),
  prompts,
  daemonView: () => inference.view(),
  captureView: () => source.view(now()),
  maxMaskAgeMs: config.maxMaskAgeMs,
});

prompts.onChange(() => inference.promptsChanged());
inference.onMasks((header, body) => hub.pushMasks(header, body));
inference.onChange(() => hub.broadcastState());

const frames = openFramesLink({
  endpoint: config.endpoints.frames,
  onFrame: (header, pixels) => {
    source.record(header, now());
    hub.pushFrame(header, pixels);
  },
});

const app = buildApp({
  store,
  prompts,
  hub,
  source,
  daemon: () => inference.view(),
  uiDir: config.uiDir,
  logger: true,
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  console.error(`appliance: ${signal}: closing`);
  await app.close(); // closes the tablets (live hub) and the HTTP server
  await frames.close();
  await inference.close(); // fails pending control requests
  store.endSession(sessionId, Date.now());
  store.close();
  process.exit(0);
}
const onSignal = (signal: string) => () => {
  shutdown(signal).catch((e: unknown) => {
    console.error(`appliance: shutdown failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  });
};
process.once('SIGINT', onSignal('SIGINT'));
process.once('SIGTERM', onSignal('SIGTERM'));

await app.listen({ host: config.httpHost, port: config.httpPort });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : config.httpPort;
const host = config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost;
console.log(
  `appliance: UI at http://${host}:${port}/  (frames ${config.endpoints.frames}, results ${config.endpoints.results}, control ${config.endpoints.control}, db ${config.dbPath})`,
);
