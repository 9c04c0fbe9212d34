/**
 * `npm start [-- --source S] [-- --fps F] [-- --model ID]`: runs capture → inference → appliance
 * under one supervisor, on built-in defaults (synthetic phantom, built-in model). SIGINT/SIGTERM
 * stop all three. In production, systemd units (systemd/) restart services instead.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { applianceServices } from './supervisor/services.ts';
import { Supervisor } from './supervisor/supervisor.ts';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    fps: { type: 'string' },
    model: { type: 'string' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const env = (pairs: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(pairs).filter((e): e is [string, string] => e[1] !== undefined),
  );

const supervisor = new Supervisor(
  applianceServices(
    {},
    {
      capture: env({ POCUS_SOURCE: values.source, POCUS_FPS: values.fps }),
      inference: env({ POCUS_MODEL: values.model }),
    },
  ),
  root,
  (line) => console.log(line),
);
supervisor.start();

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[supervisor] ${signal}: stopping all services`);
  supervisor.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
