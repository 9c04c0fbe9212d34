/**
 * How each object's track state shows on the tablet: the text in the object list, and the markers
 * drawn over the live image (a "?" badge on an uncertain mask; for a lost object, which has no
 * mask, a dashed box where it was last seen with LOST_LABEL). Pure (no DOM).
 */
import type {
  BoxView,
  MaskObjectView,
  ObjectStateView,
} from '../appliance/live/tablet-protocol.ts';

export const LOST_LABEL = 'lost — tap to re-acquire';

export type TrackMarker =
  | { readonly kind: 'uncertain'; readonly color: string; readonly box: BoxView }
  | { readonly kind: 'lost'; readonly color: string; readonly box: BoxView };

/** The markers of one mask set; `maskBoxes[i]` is the painted box of `objects[i]` (or null). */
export function trackMarkers(
  objects: readonly MaskObjectView[],
  maskBoxes: readonly (BoxView | null)[],
): TrackMarker[] {
  const markers: TrackMarker[] = [];
  objects.forEach((o, i) => {
    const box = maskBoxes[i] ?? null;
    switch (o.track.state) {
      case 'tracking':
        break;
      case 'uncertain':
        if (box !== null) markers.push({ kind: 'uncertain', color: o.color, box });
        break;
      case 'lost':
        if (o.track.lastBox !== undefined) {
          markers.push({ kind: 'lost', color: o.color, box: o.track.lastBox });
        }
        break;
    }
  });
  return markers;
}

/** The state shown next to an object in the list: state, quality, and why when not tracking. */
export function stateLabel(view: ObjectStateView | undefined): string {
  if (view === undefined) return 'pending';
  const quality = view.quality === null ? '' : ` q ${view.quality.toFixed(2)}`;
  const reason = view.reason === undefined ? '' : ` (${view.reason})`;
  switch (view.state) {
    case 'pending':
      return 'pending';
    case 'tracking':
      return `tracking${quality}`;
    case 'uncertain':
      return `uncertain${reason}${quality}`;
    case 'lost':
      return `${LOST_LABEL}${reason}${quality}`;
  }
}
