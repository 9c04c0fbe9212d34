/**
 * The tablet UI: `/` and `/app.js` from the built bundle (dist/ui, made by `npm run build:ui`),
 * read per request so a rebuild needs no restart; a missing bundle gets a clear error page.
 * A plain GET on the WebSocket path is answered 426.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LIVE_PATH } from '../live/live-hub.ts';
import { ErrorReply } from './schemas.ts';

const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' blob: data:; " +
  "style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'";

const NOT_BUILT_PAGE = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>UI not built</title></head>
<body style="font-family:system-ui;margin:2rem;max-width:40rem">
<h1>UI_NOT_BUILT</h1>
<p>The appliance is running, but the tablet UI bundle is missing from <code>${dir}</code>.</p>
<p>Build it with <code>npm run build:ui</code> (or start with <code>npm start</code>, which builds it first), then reload.</p>
<p>The REST API (<code>/api/health</code>) and the live WebSocket (<code>${LIVE_PATH}</code>) work without it.</p>
</body></html>`;

async function sendFile(
  reply: FastifyReply,
  path: string,
  type: string,
  uiDir: string,
): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    void reply
      .type(type)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP);
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    void reply.code(503).type('text/html; charset=utf-8');
    return NOT_BUILT_PAGE(uiDir);
  }
}

export function uiRoutes(app: FastifyInstance, deps: { readonly uiDir: string }): void {
  const text = { 200: { type: 'string' }, 503: { type: 'string' } } as const;
  app.get('/', { schema: { response: text } }, (_request, reply) =>
    sendFile(reply, join(deps.uiDir, 'index.html'), 'text/html; charset=utf-8', deps.uiDir),
  );
  app.get('/app.js', { schema: { response: text } }, (_request, reply) =>
    sendFile(reply, join(deps.uiDir, 'app.js'), 'text/javascript; charset=utf-8', deps.uiDir),
  );
  app.get(LIVE_PATH, { schema: { response: { 426: ErrorReply } } }, (_request, reply) => {
    void reply.code(426).header('upgrade', 'websocket');
    return { code: 'UPGRADE_REQUIRED', message: `${LIVE_PATH} is a WebSocket endpoint` };
  });
}
