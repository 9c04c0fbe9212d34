import { describe, expect, it } from 'vitest';
import {
  createPhantom,
  DEFAULT_PHANTOM_PARAMS,
  phantomStill,
  presetParams,
  resolveParams,
  shapeContains,
  shapeMargin,
  type Phantom,
  type PhantomFrame,
  type StructureShape,
} from '../capture/phantom/index.ts';

/** Field-of-view membership recomputed from the published geometry, independently of the module. */
function expectedInside(ph: Phantom, x: number, y: number): boolean {
  const g = ph.fieldOfView.geometry;
  if (g.kind === 'linear') return x >= g.left && x < g.right && y >= g.top && y < g.bottom;
  const dx = x - g.apexX;
  const dy = y - g.apexY;
  const r = Math.hypot(dx, dy);
  const angle = Math.atan2(dx, dy);
  return r >= g.innerRadius && r <= g.outerRadius && Math.abs(angle) <= g.halfAngleRad;
}

/** Label image rebuilt from the shape functions: the highest id containing the pixel centre wins. */
function expectedLabels(ph: Phantom, shapes: readonly StructureShape[]): Uint8Array {
  const { width, height } = ph.params;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!expectedInside(ph, x + 0.5, y + 0.5)) continue;
      shapes.forEach((s, j) => {
        if (shapeContains(s, x + 0.5, y + 0.5)) out[y * width + x] = j + 1;
      });
    }
  }
  return out;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }): number =>
  Math.hypot(a.x - b.x, a.y - b.y);

describe('phantom parameters', () => {
  it('defaults to the hard preset with the documented values', () => {
    const p = resolveParams();
    expect(p).toEqual(DEFAULT_PHANTOM_PARAMS);
    expect(p).toMatchObject({
      width: 512,
      height: 512,
      difficulty: 'hard',
      geometry: 'sector',
      contrastDbRange: [-20, -6],
      irregularity: 0.15,
      maxMotionPx: 6,
      touchingPair: true,
      leaveAndReenter: true,
    });
    expect(resolveParams({ difficulty: 'easy' })).toEqual(presetParams('easy'));
    expect(resolveParams({ difficulty: 'easy', irregularity: 0.3 }).irregularity).toBe(0.3);
    expect(resolveParams({ seed: undefined }).seed).toBe(DEFAULT_PHANTOM_PARAMS.seed);
  });

  it('rejects invalid parameters and frame indices', () => {
    expect(() => resolveParams({ width: 10 })).toThrow(RangeError);
    expect(() => resolveParams({ contrastDbRange: [-6, -20] })).toThrow(RangeError);
    expect(() => resolveParams({ irregularity: -0.1 })).toThrow(RangeError);
    expect(() => resolveParams({ speckleDecorrelation: 2 })).toThrow(RangeError);
    const ph = createPhantom({ width: 96, height: 96 });
    expect(() => ph.frame(-1)).toThrow(RangeError);
    expect(() => ph.frame(1.5)).toThrow(RangeError);
  });
});

describe('determinism and random access', () => {
  it('gives byte-identical frames for the same seed, params and index', () => {
    const a = createPhantom({ seed: 11 }).frame(37);
    const b = createPhantom({ seed: 11 }).frame(37);
    expect(firstDifference(a.image, b.image)).toBe(-1);
    expect(firstDifference(a.labels, b.labels)).toBe(-1);
    expect(a.objects).toEqual(b.objects);
  });

  it('gives different frames for different seeds', () => {
    const a = createPhantom({ seed: 11 }).frame(0);
    const b = createPhantom({ seed: 12 }).frame(0);
    expect(firstDifference(a.image, b.image)).not.toBe(-1);
    expect(firstDifference(a.labels, b.labels)).not.toBe(-1);
  });

  it('computes frame t directly, equal to the same frame reached sequentially', () => {
    const sequential = createPhantom({ seed: 5, geometry: 'linear' });
    const seen: PhantomFrame[] = [];
    for (let t = 0; t <= 12; t++) seen.push(sequential.frame(t));
    const direct = createPhantom({ seed: 5, geometry: 'linear' });
    for (const t of [12, 3, 7, 0]) {
      const f = direct.frame(t);
      const s = seen[t];
      if (s === undefined) throw new Error('missing frame');
      expect(firstDifference(f.image, s.image)).toBe(-1);
      expect(firstDifference(f.labels, s.labels)).toBe(-1);
      expect(f.objects).toEqual(s.objects);
    }
    // Asking again after other frames changes nothing (no hidden state).
    expect(firstDifference(direct.frame(3).image, sequential.frame(3).image)).toBe(-1);
  });

  it('phantomStill is frame 0 of the seeded phantom', () => {
    const still = phantomStill(21, { width: 128, height: 128 });
    const frame = createPhantom({ seed: 21, width: 128, height: 128 }).frame(0);
    expect(firstDifference(still.image, frame.image)).toBe(-1);
    expect(firstDifference(still.labels, frame.labels)).toBe(-1);
  });

  it('refreshes part of the speckle every frame but keeps most of it', () => {
    const ph = createPhantom({ seed: 2, structureCount: 0, shadowProbability: 0 });
    const a = ph.envelope(10);
    const b = ph.envelope(11);
    let sa = 0;
    let sb = 0;
    let saa = 0;
    let sbb = 0;
    let sab = 0;
    let n = 0;
    for (const i of ph.fieldOfView.inside) {
      const x = a[i] ?? 0;
      const y = b[i] ?? 0;
      sa += x;
      sb += y;
      saa += x * x;
      sbb += y * y;
      sab += x * y;
      n++;
    }
    const cov = sab / n - (sa / n) * (sb / n);
    const corr = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
    expect(corr).toBeGreaterThan(0.7);
    expect(corr).toBeLessThan(0.999);
  });
});

describe('ground-truth labels', () => {
  for (const geometry of ['sector', 'linear'] as const) {
    it(`match the shape functions exactly, clipped to the ${geometry} field of view`, () => {
      const ph = createPhantom({ seed: 3, geometry, width: 256, height: 224 });
      const { width, height } = ph.params;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          expect(ph.fieldOfView.mask[y * width + x]).toBe(
            expectedInside(ph, x + 0.5, y + 0.5) ? 1 : 0,
          );
        }
      }
      for (const t of [0, 45, 160]) {
        const f = ph.frame(t);
        const shapes = ph.shapesAt(t);
        expect(shapes.length).toBe(f.objects.length);
        expect(firstDifference(f.labels, expectedLabels(ph, shapes))).toBe(-1);
        for (let i = 0; i < f.labels.length; i++) {
          if (ph.fieldOfView.mask[i] === 0) {
            expect(f.labels[i]).toBe(0);
            expect(f.image[i]).toBe(0);
          }
        }
        for (const o of f.objects) {
          expect(o.areaPx).toBe(f.labels.filter((l) => l === o.id).length);
          expect(o.inViewFraction).toBeGreaterThanOrEqual(0);
          expect(o.inViewFraction).toBeLessThanOrEqual(1);
          expect(o.areaPx).toBeLessThanOrEqual(o.fullAreaPx);
        }
      }
    });
  }

  it('blacks out the outside of the sector and fills the inside', () => {
    const ph = createPhantom({ seed: 4 });
    const f = ph.frame(0);
    const { width, height } = f;
    for (const [x, y] of [
      [0, 0],
      [width - 1, 0],
      [0, height - 1],
      [width - 1, height - 1],
    ] as const) {
      expect(ph.fieldOfView.mask[y * width + x]).toBe(0);
      expect(f.image[y * width + x]).toBe(0);
    }
    const inside = ph.fieldOfView.inside;
    expect(inside.length).toBeGreaterThan(0.4 * width * height);
    const nonzero = Array.from(inside).filter((i) => (f.image[i] ?? 0) > 0).length;
    expect(nonzero / inside.length).toBeGreaterThan(0.98);
  });

  it('lets a higher id win where structures overlap', () => {
    // Scan frames for an overlap and check the winner there.
    const ph = createPhantom({ seed: 2, width: 256, height: 256 });
    let overlaps = 0;
    for (let t = 0; t < 300 && overlaps === 0; t += 10) {
      const f = ph.frame(t);
      const shapes = ph.shapesAt(t);
      for (let i = 0; i < f.labels.length; i++) {
        if (ph.fieldOfView.mask[i] !== 1) continue;
        const x = (i % f.width) + 0.5;
        const y = Math.floor(i / f.width) + 0.5;
        const containing = shapes.flatMap((s, j) => (shapeContains(s, x, y) ? [j + 1] : []));
        if (containing.length >= 2) {
          overlaps++;
          expect(f.labels[i]).toBe(Math.max(...containing));
        }
      }
    }
    expect(overlaps).toBeGreaterThan(0);
  });
});

describe('structures', () => {
  it('have irregular boundaries within ±irregularity of their ellipse', () => {
    const ph = createPhantom({ seed: 8 });
    const irr = ph.params.irregularity;
    let largest = 0;
    ph.shapesAt(0).forEach((s, j) => {
      if (ph.scene.structures[j]?.kind === 'reflector') return;
      for (let k = 0; k < 180; k++) {
        const phi = (2 * Math.PI * k) / 180;
        const ux = Math.cos(phi);
        const uy = Math.sin(phi);
        const r = shapeMargin(s, s.cx + ux, s.cy + uy) + 1;
        // Ellipse radius in the shape's own frame.
        const u = ux * s.cosRot + uy * s.sinRot;
        const v = uy * s.cosRot - ux * s.sinRot;
        const ellipse = (s.a * s.b) / Math.hypot(s.b * u, s.a * v);
        const dev = r / ellipse - 1;
        expect(Math.abs(dev)).toBeLessThanOrEqual(irr + 1e-9);
        largest = Math.max(largest, Math.abs(dev));
      }
    });
    expect(largest).toBeGreaterThan(0.4 * irr);
  });

  it('are darker than the surrounding ring by about the requested contrast', () => {
    let checked = 0;
    for (const seed of [1, 2, 3]) {
      const ph = createPhantom({
        seed,
        shadowProbability: 0,
        posteriorEnhancementDb: 0,
        vesselWallDb: 0,
        noiseDb: -90, // the noise floor would lift deep anechoic interiors by up to ~1 dB
      });
      const f = ph.frame(0);
      const env = ph.envelope(0);
      const shapes = ph.shapesAt(0);
      for (const o of f.objects) {
        const s = shapes[o.id - 1];
        if (s === undefined || o.contrastDb >= 0 || o.inViewFraction < 1) continue;
        let inside = 0;
        let nInside = 0;
        let ring = 0;
        let nRing = 0;
        let greyInside = 0;
        let greyRing = 0;
        for (const i of ph.fieldOfView.inside) {
          const x = (i % f.width) + 0.5;
          const y = Math.floor(i / f.width) + 0.5;
          const m = shapeMargin(s, x, y);
          const clearOfOthers = (): boolean =>
            shapes.every((other, j) => j === o.id - 1 || shapeMargin(other, x, y) < -4);
          const e2 = (env[i] ?? 0) ** 2;
          if (m >= 3 && f.labels[i] === o.id) {
            inside += e2;
            greyInside += f.image[i] ?? 0;
            nInside++;
          } else if (m <= -6 && m >= -20 && f.labels[i] === 0 && clearOfOthers()) {
            ring += e2;
            greyRing += f.image[i] ?? 0;
            nRing++;
          }
        }
        if (nInside < 300 || nRing < 400) continue;
        checked++;
        expect(greyInside / nInside).toBeLessThan(greyRing / nRing);
        const measuredDb = 10 * Math.log10(inside / nInside / (ring / nRing));
        expect(o.contrastDb).toBeGreaterThanOrEqual(-20);
        expect(o.contrastDb).toBeLessThanOrEqual(-6);
        expect(Math.abs(measuredDb - o.contrastDb)).toBeLessThan(1.5);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('include a pair that touches or nearly touches in the default scene', () => {
    for (const seed of [1, 2, 3]) {
      const ph = createPhantom({ seed });
      const f = ph.frame(0);
      const hypo = new Set(f.objects.filter((o) => o.kind !== 'reflector').map((o) => o.id));
      let touching = false;
      const R = 4;
      for (let y = 0; y < f.height && !touching; y++) {
        for (let x = 0; x < f.width && !touching; x++) {
          const a = f.labels[y * f.width + x] ?? 0;
          if (!hypo.has(a)) continue;
          for (let dy = -R; dy <= R && !touching; dy++) {
            for (let dx = -R; dx <= R; dx++) {
              const yy = y + dy;
              const xx = x + dx;
              if (yy < 0 || yy >= f.height || xx < 0 || xx >= f.width) continue;
              const b = f.labels[yy * f.width + xx] ?? 0;
              if (b !== a && hypo.has(b) && Math.hypot(dx, dy) <= R) {
                touching = true;
                break;
              }
            }
          }
        }
      }
      expect(touching, `seed ${seed}`).toBe(true);
    }
  });

  it('cast an acoustic shadow below bright reflectors', () => {
    let checked = 0;
    for (const geometry of ['sector', 'linear'] as const) {
      const ph = createPhantom({
        seed: 6,
        geometry,
        shadowProbability: 1,
        posteriorEnhancementDb: 0,
      });
      const f = ph.frame(0);
      const env = ph.envelope(0);
      const shapes = ph.shapesAt(0);
      const fov = ph.fieldOfView;
      for (const o of f.objects) {
        const s = shapes[o.id - 1];
        if (o.kind !== 'reflector' || s === undefined || o.inViewFraction < 1) continue;
        const c = fov.toBeam(s.cx, s.cy);
        const halfWidth = (0.5 * Math.min(s.a, s.b)) / fov.lateralScale(c.depth);
        let shadow = 0;
        let nShadow = 0;
        let beside = 0;
        let nBeside = 0;
        for (const i of fov.inside) {
          if (f.labels[i] !== 0) continue;
          const below = (fov.depth[i] ?? 0) - c.depth - s.boundingRadius;
          if (below < 8 || below > 60) continue;
          const off = Math.abs((fov.lateral[i] ?? 0) - c.lateral) / halfWidth;
          const e2 = (env[i] ?? 0) ** 2;
          if (off < 1) {
            shadow += e2;
            nShadow++;
          } else if (off > 6 && off < 12) {
            beside += e2;
            nBeside++;
          }
        }
        if (nShadow < 30 || nBeside < 30) continue;
        checked++;
        expect(10 * Math.log10(shadow / nShadow / (beside / nBeside))).toBeLessThan(-6);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});

describe('speckle', () => {
  it('has a Rayleigh envelope (SNR ≈ 1.91) and log-compressed spread ≈ 5.6 dB', () => {
    const snrs: number[] = [];
    const spreadsDb: number[] = [];
    for (const seed of [1, 2]) {
      const ph = createPhantom({ seed, geometry: 'linear', structureCount: 0 });
      const { width } = ph.params;
      const g = ph.fieldOfView.geometry;
      if (g.kind !== 'linear') throw new Error('expected linear geometry');
      const env = ph.envelope(4);
      const f = ph.frame(4);
      // Rows have constant depth (hence gain) in a linear field of view.
      for (let y = 150; y < 350; y += 8) {
        let s = 0;
        let s2 = 0;
        let gs = 0;
        let gs2 = 0;
        let n = 0;
        for (let x = g.left; x < g.right; x++) {
          const v = env[y * width + x] ?? 0;
          const grey = f.image[y * width + x] ?? 0;
          s += v;
          s2 += v * v;
          gs += grey;
          gs2 += grey * grey;
          n++;
        }
        const mean = s / n;
        snrs.push(mean / Math.sqrt(s2 / n - mean * mean));
        const gm = gs / n;
        spreadsDb.push(Math.sqrt(gs2 / n - gm * gm) / (255 / ph.params.dynamicRangeDb));
      }
    }
    const avg = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(avg(snrs)).toBeGreaterThan(1.83);
    expect(avg(snrs)).toBeLessThan(1.99);
    expect(avg(spreadsDb)).toBeGreaterThan(5.2);
    expect(avg(spreadsDb)).toBeLessThan(5.9);
  });

  it('is attenuated with depth, partly compensated by TGC', () => {
    const ph = createPhantom({ seed: 1, geometry: 'linear', structureCount: 0 });
    const env = ph.envelope(0);
    const { width } = ph.params;
    const rowPower = (y0: number): number => {
      let s = 0;
      let n = 0;
      for (let y = y0; y < y0 + 40; y++) {
        for (let x = 40; x < width - 40; x++) {
          s += (env[y * width + x] ?? 0) ** 2;
          n++;
        }
      }
      return s / n;
    };
    const lossDb = 10 * Math.log10(rowPower(20) / rowPower(440));
    const p = ph.params;
    const expected = p.attenuationDb * (1 - p.tgcCompensation) * (420 / ph.fieldOfView.maxDepth);
    expect(lossDb).toBeGreaterThan(expected - 1.5);
    expect(lossDb).toBeLessThan(expected + 1.5);
  });
});

describe('motion', () => {
  for (const params of [{}, { width: 256, height: 256, maxMotionPx: 3 }]) {
    it(`moves every centroid by at most maxMotionPx (scaled) per frame ${JSON.stringify(params)}`, () => {
      const ph = createPhantom({ seed: 5, ...params });
      const bound = (ph.params.maxMotionPx * Math.min(ph.params.width, ph.params.height)) / 512;
      let prev = ph.frame(0).objects;
      let fastest = 0;
      for (let t = 1; t <= 150; t++) {
        const objects = ph.frame(t).objects;
        objects.forEach((o, j) => {
          const p = prev[j];
          if (p === undefined) throw new Error('object list changed');
          const d = dist(o.centroid, p.centroid);
          expect(d).toBeLessThanOrEqual(bound);
          fastest = Math.max(fastest, d);
        });
        prev = objects;
      }
      // The hard preset really moves: something travels at a third of the bound or more.
      expect(fastest).toBeGreaterThan(bound / 3);
    });
  }

  it('makes a structure leave the view and come back within 30 s at 30 fps', () => {
    for (const seed of [3, 9]) {
      const ph = createPhantom({ seed });
      const fractions = new Map<number, number[]>();
      for (let t = 0; t < 30 * 30; t += 3) {
        for (const o of ph.frame(t).objects) {
          const list = fractions.get(o.id) ?? [];
          list.push(o.inViewFraction);
          fractions.set(o.id, list);
        }
      }
      const leftAndReturned = [...fractions.values()].some((v) => {
        const firstIn = v.findIndex((x) => x > 0.5);
        const out = v.findIndex((x, i) => i > firstIn && x < 0.5);
        return firstIn >= 0 && out > firstIn && v.some((x, i) => i > out && x > 0.5);
      });
      expect(leftAndReturned, `seed ${seed}`).toBe(true);
    }
  });

  it('keeps the easy preset within its slower bound and without reflectors', () => {
    const ph = createPhantom({ seed: 4, difficulty: 'easy' });
    const bound = ph.params.maxMotionPx;
    let prev = ph.frame(0).objects;
    for (let t = 1; t <= 60; t++) {
      const objects = ph.frame(t).objects;
      objects.forEach((o, j) => {
        expect(dist(o.centroid, prev[j]?.centroid ?? o.centroid)).toBeLessThanOrEqual(bound);
      });
      prev = objects;
    }
    expect(prev.every((o) => o.kind !== 'reflector')).toBe(true);
  });
});
