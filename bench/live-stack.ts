/** Starts the three real services under the real supervisor on private endpoints, port and database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applianceServices } from '../appliance/supervisor/services.ts';
import { Supervisor } from '../appliance/supervisor/supervisor.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface LiveStack {
  readonly supervisor: Supervisor;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly lines: string[];
  health(): Promise<Record<string, unknown>>;
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops the services and removes the stack's runtime folder (sockets, database). */
  stop(): Promise<void>;
}

export async function startLiveStack(
  env: Record<string, string>,
  log?: (l: string) => void,
): Promise<LiveStack> {
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  const port = await freePort();
  const common = {
    POCUS_RUNTIME_DIR: dir,
    POCUS_DB_PATH: join(dir, 'appliance.db'),
    POCUS_HTTP_PORT: String(port),
    POCUS_EXECUTION_PROVIDERS: 'cpu',
    ...env,
  };
  const lines: string[] = [];
  const supervisor = new Supervisor(applianceServices(common), REPO_ROOT, (l) => {
    lines.push(l);
    log?.(l);
  });
  supervisor.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const health = async () =>
    (await (await fetch(`${baseUrl}/api/health`)).json()) as Record<string, unknown>;
  return {
    supervisor,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}/live`,
    lines,
    health,
    async stop() {
      await supervisor.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async waitReady(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const h = (await health()) as {
            capture?: { state?: string };
            inference?: { state?: string };
          };
          if (h.capture?.state === 'live' && h.inference?.state === 'ready') return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`stack not ready; log:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
