/// <reference lib="dom" />
/**
 * Paints the live view: the newest decoded frame, its masks from one reused overlay ImageData,
 * the track markers (uncertain: "?" badge; lost: dashed box where it was last seen, with a label)
 * and the prompt points, all in one requestAnimationFrame loop that draws only when something
 * changed. Image decoding (createImageBitmap, off the main thread) keeps one decode in flight and
 * one waiting (newest wins). A frame's own masks are applied when that frame is shown.
 */
import {
  maskBytes,
  nsToMs,
  type FrameMessage,
  type MaskSet,
  type MasksMessage,
  type PromptView,
} from '../appliance/live/tablet-protocol.ts';
import { MaskOverlay } from './mask-overlay.ts';
import type { Size } from './screen-coords.ts';
import { LOST_LABEL, trackMarkers, type TrackMarker } from './track-markers.ts';

export interface PaintStats {
  readonly framesShown: number;
  readonly fps: number;
  readonly frameSeq: number | null;
  /** How much older the shown masks' frame is than the shown frame (0 when paired). */
  readonly maskAgeMs: number | null;
  /** Capture of the masks' frame → shown here, on the appliance clock (needs the clock offset). */
  readonly maskLatencyMs: number | null;
  /** Capture of the shown frame → shown here. */
  readonly frameLatencyMs: number | null;
}

interface Incoming {
  readonly message: FrameMessage;
  readonly payload: Uint8Array;
}

const MIME = { jpeg: 'image/jpeg', png: 'image/png' } as const;

export class FramePainter {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly overlayCanvas = document.createElement('canvas');
  private readonly overlayCtx: CanvasRenderingContext2D;
  private readonly overlay = new MaskOverlay();
  private overlayImage: ImageData | null = null;
  private overlayVisible = false;
  private overlayDirty = false;
  private markers: readonly TrackMarker[] = [];
  private rawCanvas: HTMLCanvasElement | null = null;
  private rawImage: ImageData | null = null;
  private shown: ImageBitmap | HTMLCanvasElement | null = null;
  private size: Size | null = null;
  private prompts: readonly PromptView[] = [];
  private dirty = false;
  private decoding = false;
  private waiting: Incoming | null = null;
  private rafId: number | null = null;
  private readonly shownTimes: number[] = [];
  private stats: PaintStats = {
    framesShown: 0,
    fps: 0,
    frameSeq: null,
    maskAgeMs: null,
    maskLatencyMs: null,
    frameLatencyMs: null,
  };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** The appliance's monotonic ms now, or null while the clock offset is unknown. */
    private readonly serverNowMs: () => number | null,
  ) {
    const ctx = canvas.getContext('2d');
    const octx = this.overlayCanvas.getContext('2d');
    if (ctx === null || octx === null) throw new Error('2D canvas unavailable');
    this.ctx = ctx;
    this.overlayCtx = octx;
  }

  /** The `seq` of the shown frame (a tap names it: the daemon seeds the prompt on it), or null. */
  shownFrameSeq(): number | null {
    return this.stats.frameSeq;
  }

  /** Size of the shown image (original pixels), null before the first frame. */
  imageSize(): Size | null {
    return this.size;
  }

  paintStats(): PaintStats {
    const now = performance.now();
    while ((this.shownTimes[0] ?? Infinity) < now - 1000) this.shownTimes.shift();
    return { ...this.stats, fps: this.shownTimes.length };
  }

  start(): void {
    const loop = () => {
      this.draw();
      this.rafId = requestAnimationFrame(loop);
    };
    this.rafId = requestAnimationFrame(loop);
  }

  stop(): void {
    if (this.rafId !== null) cancelAnimationFrame(this.rafId);
    this.rafId = null;
  }

  setPrompts(prompts: readonly PromptView[]): void {
    this.prompts = prompts;
    this.dirty = true;
  }

  frame(message: FrameMessage, payload: Uint8Array): void {
    const incoming = { message, payload };
    if (this.decoding) this.waiting = incoming;
    else void this.decode(incoming);
  }

  /** Newest mode: masks that arrived between frames replace the overlay now. */
  masks(message: MasksMessage, payload: Uint8Array): void {
    this.applyMasks(message.masks, payload);
  }

  private async decode(incoming: Incoming): Promise<void> {
    this.decoding = true;
    try {
      const { message, payload } = incoming;
      const image = payload.slice(0, message.imageLength);
      let source: ImageBitmap | HTMLCanvasElement;
      if (message.encoding === 'raw') {
        source = this.rawFrame(message, image);
      } else {
        source = await createImageBitmap(new Blob([image], { type: MIME[message.encoding] }));
      }
      this.show(message, payload, source);
    } catch (e) {
      console.error('live: frame not decoded', e);
    } finally {
      this.decoding = false;
      const next = this.waiting;
      this.waiting = null;
      if (next !== null) void this.decode(next);
    }
  }

  private rawFrame(message: FrameMessage, image: Uint8Array): HTMLCanvasElement {
    const { width: w, height: h, channels } = message;
    if (this.rawCanvas === null) this.rawCanvas = document.createElement('canvas');
    if (this.rawImage === null || this.rawImage.width !== w || this.rawImage.height !== h) {
      this.rawCanvas.width = w;
      this.rawCanvas.height = h;
      this.rawImage = new ImageData(w, h);
    }
    const out = this.rawImage.data;
    for (let i = 0, p = 0; i < w * h; i++, p += 4) {
      const r = image[i * channels] ?? 0;
      out[p] = r;
      out[p + 1] = channels === 3 ? (image[i * 3 + 1] ?? 0) : r;
      out[p + 2] = channels === 3 ? (image[i * 3 + 2] ?? 0) : r;
      out[p + 3] = 255;
    }
    this.rawCanvas.getContext('2d')?.putImageData(this.rawImage, 0, 0);
    return this.rawCanvas;
  }

  private show(
    message: FrameMessage,
    payload: Uint8Array,
    source: ImageBitmap | HTMLCanvasElement,
  ): void {
    if (this.shown instanceof ImageBitmap && this.shown !== source) this.shown.close();
    this.shown = source;
    if (this.size?.width !== message.width || this.size.height !== message.height) {
      this.size = { width: message.width, height: message.height };
      this.canvas.width = message.width;
      this.canvas.height = message.height;
    }
    if (message.masks) this.applyMasks(message.masks, payload);
    else {
      this.overlayVisible = false;
      this.markers = [];
      this.stats = { ...this.stats, maskAgeMs: null, maskLatencyMs: null };
    }
    const serverNow = this.serverNowMs();
    this.stats = {
      ...this.stats,
      framesShown: this.stats.framesShown + 1,
      frameSeq: message.seq,
      frameLatencyMs: serverNow === null ? null : serverNow - nsToMs(message.capturedAtNs),
    };
    this.shownTimes.push(performance.now());
    this.canvas.dataset.frameSeq = String(message.seq);
    this.dirty = true;
  }

  private applyMasks(masks: MaskSet, payload: Uint8Array): void {
    try {
      const withMask = masks.objects.filter((o) => o.track.state !== 'lost' && o.rleLength > 0);
      const boxes = this.overlay.paint(
        masks.width,
        masks.height,
        withMask.map((o) => ({
          color: o.color,
          rle: maskBytes(payload, o),
          uncertain: o.track.state === 'uncertain',
        })),
      );
      const boxOf = new Map(withMask.map((o, i) => [o.objectId, boxes[i] ?? null]));
      this.markers = trackMarkers(
        masks.objects,
        masks.objects.map((o) => boxOf.get(o.objectId) ?? null),
      );
    } catch (e) {
      console.error('live: masks not painted', e);
      return;
    }
    if (this.overlayImage?.width !== masks.width || this.overlayImage.height !== masks.height) {
      this.overlayCanvas.width = masks.width;
      this.overlayCanvas.height = masks.height;
      this.overlayImage = new ImageData(this.overlay.rgba, masks.width, masks.height);
    }
    const serverNow = this.serverNowMs();
    this.stats = {
      ...this.stats,
      maskAgeMs: masks.ageMs,
      maskLatencyMs: serverNow === null ? null : serverNow - nsToMs(masks.capturedAtNs),
    };
    this.overlayVisible = masks.objects.length > 0;
    this.overlayDirty = true;
    this.dirty = true;
  }

  private draw(): void {
    if (!this.dirty || this.shown === null || this.size === null) return;
    this.dirty = false;
    const { width, height } = this.size;
    this.ctx.drawImage(this.shown, 0, 0, width, height);
    if (this.overlayVisible && this.overlayImage !== null) {
      if (this.overlayDirty) {
        this.overlayCtx.putImageData(this.overlayImage, 0, 0);
        this.overlayDirty = false;
      }
      this.ctx.drawImage(this.overlayCanvas, 0, 0, width, height);
    }
    this.drawMarkers(width);
    this.drawPoints(width);
  }

  private drawMarkers(width: number): void {
    const ctx = this.ctx;
    const line = Math.max(2, width / 160);
    const fontPx = Math.max(11, Math.round(width / 36));
    ctx.save();
    ctx.font = `bold ${fontPx}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    for (const m of this.markers) {
      const { x0, y0, x1, y1 } = m.box;
      if (m.kind === 'lost') {
        ctx.lineWidth = line;
        ctx.strokeStyle = m.color;
        ctx.setLineDash([line * 3, line * 2]);
        ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
        ctx.setLineDash([]);
        const textY = y0 - fontPx * 0.9 >= 0 ? y0 - fontPx * 0.9 : y1 + fontPx * 0.9;
        const textW = ctx.measureText(LOST_LABEL).width;
        const textX = Math.max(0, Math.min(x0, width - textW - 8)); // kept inside the image
        ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
        ctx.fillRect(textX, textY - fontPx * 0.65, textW + 8, fontPx * 1.3);
        ctx.fillStyle = m.color;
        ctx.textAlign = 'left';
        ctx.fillText(LOST_LABEL, textX + 4, textY);
      } else {
        const r = fontPx * 0.75;
        const cx = Math.min(x1, width - r);
        const cy = Math.max(y0, r);
        ctx.beginPath();
        ctx.arc(cx, cy, r, 0, Math.PI * 2);
        ctx.fillStyle = m.color;
        ctx.fill();
        ctx.fillStyle = '#000000';
        ctx.textAlign = 'center';
        ctx.fillText('?', cx, cy);
      }
    }
    ctx.restore();
  }

  private drawPoints(width: number): void {
    const r = Math.max(3, width / 128);
    const ctx = this.ctx;
    ctx.lineWidth = Math.max(1, r / 3);
    for (const p of this.prompts) {
      for (const q of p.points) {
        ctx.beginPath();
        ctx.arc(q.x, q.y, r, 0, Math.PI * 2);
        ctx.strokeStyle = '#ffffff';
        ctx.fillStyle = q.label === 'positive' ? p.color : '#000000';
        ctx.fill();
        ctx.stroke();
      }
    }
  }
}
