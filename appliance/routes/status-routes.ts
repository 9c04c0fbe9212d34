/** GET /api/health (each service's state), /api/source (the capture source) and /api/live/stats. */
import type { FastifyInstance } from 'fastify';
import type { DaemonHealth } from '../daemon-state.ts';
import type { LiveHub } from '../live/live-hub.ts';
import type { PromptService } from '../prompt-service.ts';
import type { SourceMonitor } from '../source-monitor.ts';
import { ErrorReply, HealthReply, LiveStatsReply, SourceReply } from './schemas.ts';

export interface StatusRouteDeps {
  readonly source: SourceMonitor;
  readonly daemon: () => DaemonHealth;
  readonly hub: LiveHub;
  readonly prompts: PromptService;
  readonly storeSchemaVersion: () => number;
  readonly nowMs: () => number;
  readonly startedAtMs: number;
}

export function statusRoutes(app: FastifyInstance, deps: StatusRouteDeps): void {
  app.get(
    '/api/health',
    { schema: { response: { 200: HealthReply, 500: ErrorReply } } },
    (): HealthReply => {
      const now = deps.nowMs();
      const capture = deps.source.view(now);
      const daemon = deps.daemon();
      return {
        status: capture.state === 'live' && daemon.state === 'ready' ? 'ok' : 'degraded',
        capture: {
          state: capture.state,
          sourceId: capture.sourceId,
          lastFrameAgeMs: capture.lastFrameAgeMs,
          fps: capture.fps,
        },
        inference: {
          state: daemon.state,
          modelId: daemon.modelId,
          modelSha256: daemon.modelSha256,
          executionProvider: daemon.executionProvider,
          bootId: daemon.bootId,
          paused: daemon.paused,
          lastStatusAgeMs: daemon.lastStatusAgeMs,
          promptCount: daemon.promptCount,
          promptSync: daemon.promptSync,
          lastError: daemon.lastError,
          stats: daemon.stats,
        },
        appliance: {
          state: 'ok',
          uptimeS: Math.round((now - deps.startedAtMs) / 100) / 10,
          clients: deps.hub.stats().clients.length,
          activePrompts: deps.prompts.list().length,
          storeSchemaVersion: deps.storeSchemaVersion(),
        },
      };
    },
  );

  app.get(
    '/api/source',
    { schema: { response: { 200: SourceReply, 500: ErrorReply } } },
    (): SourceReply => {
      const now = deps.nowMs();
      const view = deps.source.view(now);
      const newest = deps.source.newest();
      return {
        state: view.state,
        sourceId: view.sourceId,
        width: view.width,
        height: view.height,
        channels: newest?.channels ?? null,
        fps: view.fps,
        lastFrameAgeMs: view.lastFrameAgeMs,
        lastSeq: newest?.seq ?? null,
        framesReceived: deps.source.framesReceived,
        framesSkipped: deps.source.framesSkipped,
      };
    },
  );

  app.get(
    '/api/live/stats',
    { schema: { response: { 200: LiveStatsReply, 500: ErrorReply } } },
    () => deps.hub.stats(),
  );
}
