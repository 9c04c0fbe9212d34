/**
 * The appliance's HTTP face, built and never listened here (main listens): REST routes with a
 * schema on each, the UI bundle, and the `/live` WebSocket upgrade handed to the live hub.
 * Every refusal is `{code, message}` with a code from errors.ts; closing the app closes the tablets.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { DaemonHealth } from './daemon-state.ts';
import { LIVE_PATH, type LiveHub } from './live/live-hub.ts';
import type { PromptService } from './prompt-service.ts';
import { promptRoutes } from './routes/prompt-routes.ts';
import { statusRoutes } from './routes/status-routes.ts';
import { uiRoutes } from './routes/ui-routes.ts';
import type { SourceMonitor } from './source-monitor.ts';
import type { Store } from './store.ts';

export interface AppDeps {
  readonly store: Store;
  readonly prompts: PromptService;
  readonly hub: LiveHub;
  readonly source: SourceMonitor;
  /** The inference link's view of the daemon. */
  readonly daemon: () => DaemonHealth;
  readonly uiDir: string;
  readonly nowMs?: () => number;
  /** Fastify's logger option (main: true; tests: false). */
  readonly logger?: boolean;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const nowMs = deps.nowMs ?? (() => performance.now());
  // Requests are not logged one JSON line each: the supervisor's log stream stays readable; warnings remain.
  const app = Fastify({
    logger: deps.logger ? { level: 'warn' } : false,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ code: 'BAD_REQUEST', message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status < 500)
      return reply.code(status).send({ code: 'BAD_REQUEST', message: error.message });
    request.log.error(error);
    return reply.code(500).send({ code: 'INTERNAL', message: 'the appliance failed; see its log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }),
  );

  statusRoutes(app, {
    source: deps.source,
    daemon: deps.daemon,
    hub: deps.hub,
    prompts: deps.prompts,
    storeSchemaVersion: () => deps.store.schemaVersion,
    nowMs,
    startedAtMs: nowMs(),
  });
  promptRoutes(app, { prompts: deps.prompts, store: deps.store });
  uiRoutes(app, { uiDir: deps.uiDir });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(request.url ?? '/', 'http://appliance').pathname;
    if (path === LIVE_PATH) {
      deps.hub.handleUpgrade(request, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await deps.hub.close();
  });
  return app;
}
