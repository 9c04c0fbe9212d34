/// <reference lib="dom" />
/**
 * The tablet app's entry: connects to `/live`, paints frames and masks on the canvas, turns taps
 * into prompts (screen → image coordinates in screen-coords.ts) and renders the status and object
 * list from the StatusStore (refreshed twice a second, not per frame).
 */
import { h, render } from 'preact';
import { App } from './components.ts';
import { FramePainter } from './frame-painter.ts';
import { LiveConnection } from './live-connection.ts';
import { StatusStore } from './live-status.ts';
import { screenToImage } from './screen-coords.ts';

const store = new StatusStore();
let painter: FramePainter | null = null;

const pageName = new URLSearchParams(location.search).get('name');
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live${pageName ? `?name=${encodeURIComponent(pageName)}` : ''}`;

const connection = new LiveConnection(url, {
  status: (connection) => store.update({ connection }),
  hello: (m) => store.update({ clientId: m.clientId, mode: m.stream.mode }),
  frame: (m, payload) => painter?.frame(m, payload),
  masks: (m, payload) => painter?.masks(m, payload),
  state: (m) => {
    painter?.setPrompts(m.prompts);
    const selected = store.get().selected;
    store.update({
      state: m,
      mode: m.client.mode,
      selected:
        selected !== null && m.prompts.some((p) => p.objectId === selected) ? selected : null,
    });
  },
  error: (m) => {
    console.warn(`appliance: ${m.code}: ${m.message}`);
    store.update({ lastError: m });
  },
});

function tap(canvas: HTMLCanvasElement, event: MouseEvent, label: 'positive' | 'negative'): void {
  const image = painter?.imageSize();
  if (!image) return;
  const p = screenToImage(
    { x: event.clientX, y: event.clientY },
    canvas.getBoundingClientRect(),
    image,
  );
  if (p === null) return;
  const x = Math.round(p.x * 100) / 100;
  const y = Math.round(p.y * 100) / 100;
  // The frame on screen: the daemon seeds the prompt on it, not on the newest frame it has.
  const seq = painter?.shownFrameSeq() ?? null;
  const placed = seq === null ? {} : { frameSeq: seq };
  const selected = store.get().selected;
  store.update({ lastError: null });
  if (selected !== null) {
    connection.send({ kind: 'addPoint', objectId: selected, x, y, label, ...placed });
  } else if (label === 'positive') connection.send({ kind: 'addPrompt', x, y, ...placed });
}

function onCanvas(canvas: HTMLCanvasElement): void {
  painter = new FramePainter(canvas, () => connection.serverNowMs());
  painter.start();
  canvas.addEventListener('click', (e) => tap(canvas, e, 'positive'));
  canvas.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    tap(canvas, e, 'negative');
  });
}

setInterval(() => {
  store.update({ paint: painter?.paintStats() ?? null, clockRttMs: connection.clock.rttMs() });
}, 500);

const root = document.getElementById('app');
if (root === null) throw new Error('#app missing from index.html');
render(h(App, { store, send: (m) => connection.send(m), onCanvas }), root);
connection.start();
