/** Public API of the synthetic ultrasound phantom (deterministic B-mode frames with exact labels). */
export {
  createPhantom,
  phantomStill,
  type Phantom,
  type PhantomFrame,
  type PhantomObject,
} from './phantom.ts';
export {
  DEFAULT_PHANTOM_PARAMS,
  presetParams,
  resolveParams,
  type PhantomDifficulty,
  type PhantomGeometry,
  type PhantomParams,
} from './params.ts';
export type { FieldOfView, LinearGeometry, SectorGeometry } from './field-of-view.ts';
export type { Scene, StructureKind, StructureSpec } from './scene.ts';
export { shapeContains, shapeMargin, type StructureShape } from './shape.ts';
export { seededRandom, type SeededRandom } from './seeded-random.ts';
