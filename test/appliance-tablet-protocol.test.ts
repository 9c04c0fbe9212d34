import { describe, expect, it } from 'vitest';
import { decodeRle, encodeRle } from '../inference/protocol/mask-rle.ts';
import { parseClientMessage } from '../appliance/live/client-messages.ts';
import { frameMessage, masksMessage } from '../appliance/live/outgoing-messages.ts';
import {
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  maskBytes,
  nsToMs,
  TABLET_PROTOCOL_VERSION,
  TabletProtocolError,
  type FrameMessage,
  type MasksMessage,
  type StateMessage,
} from '../appliance/live/tablet-protocol.ts';
import type { EncodedFrame, FrameMasks } from '../appliance/live/stream-types.ts';

const v = TABLET_PROTOCOL_VERSION;

function disc(width: number, height: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      m[y * width + x] = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;
  return m;
}

const frame: EncodedFrame = {
  seq: 41,
  sourceId: 'phantom:7',
  capturedAtNs: '123456789012345678',
  width: 8,
  height: 6,
  channels: 1,
  encoding: 'raw',
  image: Uint8Array.from({ length: 48 }, (_, i) => i),
  readyAtMs: 0,
};
const masks: FrameMasks = {
  frameSeq: 41,
  capturedAtNs: '123456789012345678',
  width: 8,
  height: 6,
  objects: [
    {
      objectId: 'obj1',
      track: { state: 'tracking', quality: 0.9, framesSinceGood: 0 },
      score: 0.9,
      areaPx: 13,
      rle: encodeRle(disc(8, 6, 3, 3, 2)),
    },
    {
      objectId: 'gone',
      track: { state: 'tracking', quality: 0.5, framesSinceGood: 0 },
      score: 0.5,
      areaPx: 1,
      rle: encodeRle(disc(8, 6, 7, 0, 0)),
    },
    {
      objectId: 'obj2',
      track: { state: 'uncertain', quality: 0.4, reason: 'low-score', framesSinceGood: 2 },
      score: 0.7,
      areaPx: 1,
      rle: encodeRle(disc(8, 6, 6, 4, 0)),
    },
    {
      objectId: 'obj3',
      track: {
        state: 'lost',
        quality: 0,
        reason: 'empty',
        lastBox: { x0: 1, y0: 1, x1: 4, y1: 3 },
        framesSinceGood: 9,
      },
      score: 0.1,
      areaPx: 0,
      rle: new Uint8Array(0),
    },
  ],
};
const colorOf = (id: string) => ({ obj1: '#ff0000', obj2: '#00ff00', obj3: '#0000ff' })[id];

describe('tablet protocol', () => {
  it('round-trips a frame with its masks: image bytes, then each kept object’s run-length mask', () => {
    const bytes = frameMessage(frame, { masks, ageMs: 0 }, colorOf, 42n);
    const { header, payload } = decodeServerMessage(bytes);
    expect(header.kind).toBe('frame');
    const h = header as FrameMessage;
    expect(h).toMatchObject({ v, seq: 41, capturedAtNs: frame.capturedAtNs, emittedAtNs: '42' });
    expect(payload.subarray(0, h.imageLength)).toEqual(frame.image);
    expect(h.masks?.objects.map((o) => [o.objectId, o.color, o.track])).toEqual([
      ['obj1', '#ff0000', masks.objects[0]?.track],
      ['obj2', '#00ff00', masks.objects[2]?.track],
      ['obj3', '#0000ff', masks.objects[3]?.track],
    ]);
    const [one, two, three] = h.masks?.objects ?? [];
    expect(decodeRle(maskBytes(payload, one!), new Uint8Array(48))).toEqual(disc(8, 6, 3, 3, 2));
    expect(decodeRle(maskBytes(payload, two!), new Uint8Array(48))).toEqual(disc(8, 6, 6, 4, 0));
    expect(three).toMatchObject({ areaPx: 0, rleLength: 0 }); // lost: listed, no mask
    expect(maskBytes(payload, three!).length).toBe(0);
  });

  it('round-trips a frame alone and a masks-only message with its age', () => {
    const alone = decodeServerMessage(frameMessage(frame, null, colorOf, 1n));
    expect((alone.header as FrameMessage).masks).toBeUndefined();
    expect(alone.payload).toEqual(frame.image);
    const m = decodeServerMessage(masksMessage(masks, 33.33, colorOf, 2n));
    const h = m.header as MasksMessage;
    expect(h.masks).toMatchObject({ frameSeq: 41, ageMs: 33.3 });
    expect(decodeRle(maskBytes(m.payload, h.masks.objects[0]!), new Uint8Array(48))).toEqual(
      disc(8, 6, 3, 3, 2),
    );
  });

  it('decodes from a view into a larger buffer (as Node sockets deliver) and a state without payload', () => {
    const state: StateMessage = {
      v,
      kind: 'state',
      prompts: [],
      objects: [],
      daemon: {
        state: 'down',
        modelId: null,
        paused: null,
        lastStatusAgeMs: null,
        promptSync: 'idle',
        lastError: null,
      },
      capture: {
        state: 'down',
        sourceId: null,
        width: null,
        height: null,
        fps: 0,
        lastFrameAgeMs: null,
      },
      client: { clientId: 'tab-1', mode: 'paired', framesSent: 0, framesDropped: 0 },
    };
    const bytes = encodeServerMessage(state);
    const big = new Uint8Array(bytes.length + 10);
    big.set(bytes, 5);
    const { header, payload } = decodeServerMessage(big.subarray(5, 5 + bytes.length));
    expect(header).toEqual(state);
    expect(payload.length).toBe(0);
  });

  it('refuses another version and malformed envelopes with coded errors', () => {
    const other = encodeServerMessage({ v: v + 1, kind: 'pong', t: 1, serverNs: '1' });
    expect(() => decodeServerMessage(other)).toThrow(TabletProtocolError);
    expect(() => decodeServerMessage(other)).toThrow(/PROTOCOL_VERSION_MISMATCH/);
    expect(() => decodeServerMessage(new Uint8Array(2))).toThrow(/BAD_MESSAGE/);
    const lying = encodeServerMessage({ v, kind: 'pong', t: 1, serverNs: '1' });
    new DataView(lying.buffer).setUint32(0, 1e6, true);
    expect(() => decodeServerMessage(lying)).toThrow(/BAD_MESSAGE/);
  });

  it('parses every client message kind and refuses bad ones with a code (and the ref)', () => {
    for (const body of [
      { kind: 'addPrompt', x: 1.5, y: 2 },
      { kind: 'addPoint', objectId: 'obj1', x: 1, y: 2, label: 'negative' },
      { kind: 'removePrompt', objectId: 'obj1' },
      { kind: 'setMode', mode: 'newest' },
      { kind: 'ping', t: 12.5, ref: 'p1' },
    ] as const) {
      const parsed = parseClientMessage(encodeClientMessage(body));
      expect(parsed).toEqual({ ok: true, message: { v, ...body } });
    }
    expect(parseClientMessage('not json')).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(parseClientMessage(JSON.stringify({ v, kind: 'explode' }))).toMatchObject({
      ok: false,
      code: 'BAD_MESSAGE',
      message: expect.stringMatching(/unknown kind/) as string,
    });
    expect(
      parseClientMessage(JSON.stringify({ v, kind: 'addPrompt', x: 'left', y: 1, ref: 'r7' })),
    ).toMatchObject({
      ok: false,
      code: 'BAD_MESSAGE',
      ref: 'r7',
      message: expect.stringMatching(/\/x/) as string,
    });
    expect(
      parseClientMessage(JSON.stringify({ v, kind: 'addPrompt', x: 1, y: 1, extra: 1 })),
    ).toMatchObject({
      ok: false,
      code: 'BAD_MESSAGE',
    });
    expect(parseClientMessage(JSON.stringify({ v: 99, kind: 'ping', t: 1 }))).toMatchObject({
      ok: false,
      code: 'PROTOCOL_VERSION_MISMATCH',
    });
  });

  it('converts monotonic ns strings beyond 2^53 to ms', () => {
    expect(nsToMs('123456789012345678')).toBeCloseTo(123456789012.345678, 3);
    expect(nsToMs('5')).toBe(0.000005);
    expect(nsToMs('0')).toBe(0);
  });
});
