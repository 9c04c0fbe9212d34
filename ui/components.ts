/// <reference lib="dom" />
/**
 * The tablet's Preact components (written with `h`, no JSX step): the status bar, the object list
 * and the live canvas element. They render from the StatusStore, a few times a second at most;
 * the canvas itself is painted by FramePainter, outside of rendering.
 */
import { h, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClientMessageBody, StreamMode } from '../appliance/live/tablet-protocol.ts';
import type { LiveStatus, StatusStore } from './live-status.ts';
import { stateLabel } from './track-markers.ts';

export interface AppProps {
  readonly store: StatusStore;
  readonly send: (message: ClientMessageBody) => boolean;
  /** Called once with the canvas element, for the painter and the tap handler. */
  readonly onCanvas: (canvas: HTMLCanvasElement) => void;
}

function useStatus(store: StatusStore): LiveStatus {
  const [status, setStatus] = useState(store.get());
  useEffect(() => store.subscribe(setStatus), [store]);
  return status;
}

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${Math.round(v)} ms`;

function Pill(props: { tone: 'ok' | 'warn' | 'bad'; children?: ComponentChildren }) {
  return h('span', { class: `pill ${props.tone}` }, props.children);
}

export function StatusBar({ status }: { status: LiveStatus }) {
  const daemon = status.state?.daemon;
  const capture = status.state?.capture;
  const paint = status.paint;
  return h(
    'header',
    { class: 'status', 'data-testid': 'status' },
    h(Pill, { tone: status.connection === 'open' ? 'ok' : 'bad' }, `link ${status.connection}`),
    h(
      Pill,
      { tone: capture?.state === 'live' ? 'ok' : 'bad' },
      `capture ${capture?.state ?? '–'} ${capture ? `${capture.fps.toFixed(0)} fps` : ''}`,
    ),
    h(
      Pill,
      { tone: daemon?.state === 'ready' ? 'ok' : daemon?.state === 'connecting' ? 'warn' : 'bad' },
      `inference ${daemon?.state ?? '–'}${daemon?.modelId ? ` (${daemon.modelId})` : ''}`,
    ),
    h('span', { class: 'figure' }, `view ${paint ? paint.fps : 0} fps`),
    h(
      'span',
      { class: 'figure', title: 'how much older the masks’ frame is than the frame shown' },
      `mask age ${ms(paint?.maskAgeMs)}`,
    ),
    h(
      'span',
      { class: 'figure', title: 'capture → shown, estimated with the ping clock offset' },
      `mask latency ${ms(paint?.maskLatencyMs)}`,
    ),
    h('span', { class: 'figure' }, `frame latency ${ms(paint?.frameLatencyMs)}`),
    status.state && status.state.client.framesDropped > 0
      ? h('span', { class: 'figure' }, `dropped ${status.state.client.framesDropped}`)
      : null,
  );
}

export function ObjectList(props: {
  status: LiveStatus;
  send: AppProps['send'];
  select: (objectId: string | null) => void;
}) {
  const { status, send, select } = props;
  const prompts = status.state?.prompts ?? [];
  const states = new Map((status.state?.objects ?? []).map((o) => [o.objectId, o]));
  return h(
    'section',
    { class: 'objects' },
    h('h2', null, `Objects (${prompts.length})`),
    prompts.length === 0
      ? h('p', { class: 'hint' }, 'Tap the image to place a positive point on a new object.')
      : null,
    h(
      'ul',
      null,
      prompts.map((p) => {
        const s = states.get(p.objectId);
        const state = s?.state ?? 'pending';
        const selected = status.selected === p.objectId;
        return h(
          'li',
          {
            key: p.objectId,
            class: `state-${state}${selected ? ' selected' : ''}`,
            'data-object-id': p.objectId,
            'data-state': state,
          },
          h('span', { class: 'swatch', style: { background: p.color } }),
          h(
            'button',
            {
              class: 'name',
              onClick: () => select(selected ? null : p.objectId),
              title: 'select: taps refine this object (right-click: negative)',
            },
            `${p.objectId} · `,
            h('span', { class: 'track' }, stateLabel(s)),
          ),
          h(
            'button',
            {
              class: 'remove',
              'aria-label': `remove ${p.objectId}`,
              onClick: () => send({ kind: 'removePrompt', objectId: p.objectId }),
            },
            '✕',
          ),
        );
      }),
    ),
    h(
      'div',
      { class: 'mode' },
      h('span', null, 'Stream: '),
      (['paired', 'newest'] as const).map((mode: StreamMode) =>
        h(
          'button',
          {
            key: mode,
            class: status.mode === mode ? 'on' : '',
            onClick: () => send({ kind: 'setMode', mode }),
          },
          mode,
        ),
      ),
    ),
    status.lastError
      ? h('p', { class: 'error' }, `${status.lastError.code}: ${status.lastError.message}`)
      : null,
  );
}

export function App(props: AppProps) {
  const status = useStatus(props.store);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvasRef.current) props.onCanvas(canvasRef.current); // once, on mount
  }, []);
  return h(
    'div',
    { class: 'app' },
    h(StatusBar, { status }),
    h(
      'main',
      null,
      h(
        'div',
        { class: 'view' },
        h('canvas', { ref: canvasRef, id: 'live', 'data-testid': 'live-canvas' }),
      ),
      h(ObjectList, {
        status,
        send: props.send,
        select: (objectId) => props.store.update({ selected: objectId }),
      }),
    ),
  );
}
