/** Entry point of the inference daemon: configuration, model, daemon, signals. */
import { loadInferenceConfig } from './config.ts';
import { InferenceDaemon } from './daemon/daemon.ts';
import { isEngineError } from './engine/errors.ts';
import { ModelHost } from './engine/model-host.ts';
import { openModel } from './engine/model-registry.ts';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const config = loadInferenceConfig();
  const session = {
    executionProviders: config.executionProviders,
    intraOpThreads: config.intraOpThreads,
    log,
  };
  const host = await ModelHost.start(config.modelId, (id) =>
    openModel(id, session, config.modelsDir),
  );
  const daemon = new InferenceDaemon(config, host, log);
  await daemon.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    daemon.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`stop failed: ${String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(isEngineError(e) ? `inference: ${e.message}` : e);
  process.exit(isEngineError(e, 'CONFIG_INVALID') ? 2 : 1);
});
