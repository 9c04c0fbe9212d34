/**
 * Where the three services meet. Defaults are ipc sockets in a per-user runtime folder (one host);
 * each may be set to tcp://HOST:PORT to put the inference daemon on another machine.
 * Pure: the services' config modules pass their environment in.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Endpoints {
  /** capture binds PUB; the daemon and the appliance SUB (conflated: newest frame wins). */
  readonly frames: string;
  /** the daemon binds PUB for masks and status; the appliance SUBs. */
  readonly results: string;
  /** the daemon binds ROUTER for control; the appliance connects a DEALER. */
  readonly control: string;
}

export function defaultRuntimeDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `pocus-${uid}`);
}

export function parseEndpoints(env: Readonly<Record<string, string | undefined>>): Endpoints {
  const dir = env.POCUS_RUNTIME_DIR ?? defaultRuntimeDir();
  const valid = (name: string, value: string): string => {
    if (!/^(ipc|tcp|inproc):\/\/.+/.test(value))
      throw new Error(`CONFIG_INVALID: ${name}=${value} is not a ZeroMQ endpoint`);
    return value;
  };
  return Object.freeze({
    frames: valid(
      'POCUS_FRAMES_ENDPOINT',
      env.POCUS_FRAMES_ENDPOINT ?? `ipc://${join(dir, 'frames.sock')}`,
    ),
    results: valid(
      'POCUS_RESULTS_ENDPOINT',
      env.POCUS_RESULTS_ENDPOINT ?? `ipc://${join(dir, 'results.sock')}`,
    ),
    control: valid(
      'POCUS_CONTROL_ENDPOINT',
      env.POCUS_CONTROL_ENDPOINT ?? `ipc://${join(dir, 'control.sock')}`,
    ),
  });
}
