/**
 * Decoder of the built-in model ("star-HMM"): a prompt-seeded polar contour model.
 * From the prompt's centre (box centre, else the first positive point) it samples the encoder's
 * features along `rays` log-spaced rays, scores every (ray, radius) as a boundary candidate from
 * radial gradient evidence and an interior-appearance region cost, adds the prompt's constraints
 * (box or image bounds, corrective clicks, previous mask), and finds the smooth closed contour by
 * forward–backward inference on the circular chain of rays (an HMM over radii). The contour is
 * rasterised as signed-distance logits on the feature grid (`low_res_masks`, upsampled to the
 * original size by the engine, as for MedSAM); `iou_predictions` is a quality score from edge support, region fit and leaks.
 * Inputs and outputs follow the official SAM ONNX decoder contract.
 */
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { embeddingChannels, type BuiltinParams } from './params.ts';

export function buildDecoder(p: BuiltinParams): Uint8Array {
  const g = new GraphBuilder('pocus_builtin_decoder');
  const S = p.inputSize;
  const G = p.gridSize;
  const K = p.rays;
  const R = p.radii;
  const D = p.maxJump;
  const E = p.wrapRays;
  const dTheta = (2 * Math.PI) / K;
  const cell = S / G; // one feature-grid cell, in model-input px
  const k = (v: number): string => g.scalar(v);
  const op = (t: string, ins: string[], attrs = {}): string => g.op(t, ins, attrs);
  const add = (a: string, b: string) => op('Add', [a, b]);
  const sub = (a: string, b: string) => op('Sub', [a, b]);
  const mul = (a: string, b: string) => op('Mul', [a, b]);
  const div = (a: string, b: string) => op('Div', [a, b]);
  const castF = (a: string) => op('Cast', [a], { to: { i: 1 } });
  const sumAxes = (a: string, axes: number[], keep = 1) =>
    op('ReduceSum', [a, g.ints(axes)], { keepdims: { i: keep } });
  const maxAxes = (a: string, axes: number[]) =>
    op('ReduceMax', [a], { axes: { ints: axes }, keepdims: { i: 1 } });
  const minAxes = (a: string, axes: number[]) =>
    op('ReduceMin', [a], { axes: { ints: axes }, keepdims: { i: 1 } });
  const blend = (flag: string, a: string, b: string) => add(mul(flag, a), mul(sub(k(1), flag), b));

  const C = embeddingChannels(p);
  const emb = g.input('image_embeddings', 'float32', [1, C, G, G]);
  const coords = g.input('point_coords', 'float32', [1, 'num_points', 2]);
  const labels = g.input('point_labels', 'float32', [1, 'num_points']);
  const maskIn = g.input('mask_input', 'float32', [1, 1, G, G]);
  const hasMaskIn = g.input('has_mask_input', 'float32', [1]);
  const origSize = g.input('orig_im_size', 'float32', [2]);

  // ---- prompt parsing: [1,N] rows of x, y and label indicators --------------------------------
  const xs = op('Gather', [coords, g.constant('int64', [], [0])], { axis: { i: 2 } });
  const ys = op('Gather', [coords, g.constant('int64', [], [1])], { axis: { i: 2 } });
  const is = (v: number) => castF(op('Equal', [labels, k(v)]));
  const pos = is(1);
  const neg = is(0);
  const tl = is(2);
  const br = is(3);
  const count = (m: string) => sumAxes(m, [1], 0); // [1]
  const hasBox = op('Min', [count(tl), k(1)]);
  const meanOf = (v: string, m: string) => div(count(mul(v, m)), op('Max', [count(m), k(1)]));
  const bxa = meanOf(xs, tl);
  const bya = meanOf(ys, tl);
  const bxb = meanOf(xs, br);
  const byb = meanOf(ys, br);
  const first = mul(
    pos,
    castF(op('Equal', [op('CumSum', [pos, g.constant('int64', [], [1])]), k(1)])),
  );
  const px = count(mul(xs, first));
  const py = count(mul(ys, first));
  // image size in model-input px
  const H = op('Slice', [origSize, g.ints([0]), g.ints([1])]);
  const W = op('Slice', [origSize, g.ints([1]), g.ints([2])]);
  const scale = div(k(S), op('Max', [H, W]));
  const vw = mul(W, scale);
  const vh = mul(H, scale);
  const x0 = op('Max', [op('Min', [bxa, bxb]), k(0)]);
  const x1 = op('Min', [op('Max', [bxa, bxb]), vw]);
  const y0 = op('Max', [op('Min', [bya, byb]), k(0)]);
  const y1 = op('Min', [op('Max', [bya, byb]), vh]);
  const cx = blend(hasBox, mul(add(x0, x1), k(0.5)), px); // [1]
  const cy = blend(hasBox, mul(add(y0, y1), k(0.5)), py);
  const xmin = mul(hasBox, x0);
  const ymin = mul(hasBox, y0);
  const xmax = blend(hasBox, x1, vw);
  const ymax = blend(hasBox, y1, vh);

  // ---- rays: directions offset by half a step so none is axis-parallel --------------------------
  const angles = Array.from({ length: K }, (_, i) => (i + 0.5) * dTheta);
  const ux = g.constant('float32', [K, 1], angles.map(Math.cos));
  const uy = g.constant('float32', [K, 1], angles.map(Math.sin));
  const invUx = g.constant(
    'float32',
    [K, 1],
    angles.map((a) => 1 / Math.cos(a)),
  );
  const invUy = g.constant(
    'float32',
    [K, 1],
    angles.map((a) => 1 / Math.sin(a)),
  );
  const tx = op('Max', [mul(sub(xmax, cx), invUx), mul(sub(xmin, cx), invUx)]);
  const ty = op('Max', [mul(sub(ymax, cy), invUy), mul(sub(ymin, cy), invUy)]);
  const rmax = op('Max', [op('Min', [tx, ty]), k(1)]); // [K,1]
  const rtop = maxAxes(rmax, [0, 1]); // [1,1]
  const logRatio = op('Log', [op('Max', [div(rtop, k(p.minRadius)), k(1.5)])]);
  const frac = g.constant(
    'float32',
    [1, R],
    Array.from({ length: R }, (_, i) => i / (R - 1)),
  );
  const logr = add(k(Math.log(p.minRadius)), mul(frac, logRatio)); // [1,R]
  const r = op('Exp', [logr]);
  const dlog = div(logRatio, k(R - 1)); // [1,1]

  // ---- sample features along rays ---------------------------------------------------------------
  const half = S / 2;
  const X = add(cx, mul(ux, r)); // [K,R]
  const Y = add(cy, mul(uy, r));
  const norm = (v: string) => sub(div(v, k(half)), k(1));
  const gridXY = op(
    'Concat',
    [op('Unsqueeze', [norm(X), g.ints([2])]), op('Unsqueeze', [norm(Y), g.ints([2])])],
    {
      axis: { i: 2 },
    },
  );
  const grid = op('Unsqueeze', [gridXY, g.ints([0])]); // [1,K,R,2]
  const sampleOf = (t: string) =>
    op('Reshape', [
      op('GridSample', [t, grid], {
        align_corners: { i: 0 },
        mode: { s: 'bilinear' },
        padding_mode: { s: 'border' },
      }),
      g.ints([-1, K, R]),
    ]);
  const samples = sampleOf(emb); // [C,K,R]
  // Scale-adaptive reading: a sample at radius r blends the channels whose scale σ is nearest
  // r / divisor (piecewise linear in log σ, clamped to the scales available).
  const scaleBlend = (
    first: number,
    stride: number,
    scales: readonly number[],
    divisor: number,
  ) => {
    const logs = scales.map(Math.log);
    const target = op('Clip', [
      op('Log', [div(r, k(2 * divisor))]),
      k(logs[0]!),
      k(logs[logs.length - 1]!),
    ]);
    let acc = '';
    scales.forEach((_, j) => {
      const lo = j > 0 ? logs[j]! - logs[j - 1]! : 1;
      const hi = j < logs.length - 1 ? logs[j + 1]! - logs[j]! : 1;
      const d = sub(target, k(logs[j]!));
      const rising = op('Relu', [add(k(1), div(d, k(lo)))]);
      const falling = op('Relu', [sub(k(1), div(d, k(hi)))]);
      const weight = op('Min', [rising, falling]); // [1,R]
      const chan = op('Gather', [samples, g.constant('int64', [], [first + j * stride])], {
        axis: { i: 0 },
      });
      const term = mul(chan, weight);
      acc = acc ? add(acc, term) : term;
    });
    return acc;
  };
  const nR = p.regionScales.length;
  const fRegion = scaleBlend(0, 1, p.regionScales, p.regionScaleDivisor);
  const gx = scaleBlend(nR, 2, p.edgeScales, p.edgeScaleDivisor);
  const gy = scaleBlend(nR + 1, 2, p.edgeScales, p.edgeScaleDivisor);

  // ---- which states are allowed -------------------------------------------------------------------
  // Inside the box or image, above the smallest plausible size, and before the ray first meets a
  // pixel with no echo data at all (outside a sector, a black margin): the edge of the field of
  // view is not an object boundary. (Not applied when the prompt itself sits on such a pixel.)
  const fFine = op('Gather', [samples, g.constant('int64', [], [0])], { axis: { i: 0 } });
  const noData = castF(op('LessOrEqual', [fFine, k(p.noDataLevel)]));
  const seedNoData = op('Gather', [noData, g.constant('int64', [1], [0])], { axis: { i: 1 } }); // [K,1]
  const reached = castF(
    op('Greater', [op('CumSum', [noData, g.constant('int64', [], [1])]), k(0)]),
  );
  const inBounds = mul(
    castF(op('LessOrEqual', [r, rmax])),
    sub(k(1), mul(reached, sub(k(1), seedNoData))),
  );
  const floor = blend(hasBox, mul(rmax, k(0.15)), k(p.minObjectRadius));
  const aboveFloor = castF(op('GreaterOrEqual', [r, floor]));
  const allowed = mul(inBounds, aboveFloor); // [K,R]
  const reachable = maxAxes(mul(r, inBounds), [1]); // [K,1]: the farthest allowed radius per ray

  // ---- statistics over the sampled area (weights ∝ r², log-spaced annuli) ------------------------
  // Pixels with no echo data do not count in the image statistics, or the contrast between
  // tissues would be measured against black.
  const hasData = sub(k(1), noData);
  const w = mul(mul(mul(r, r), inBounds), hasData);
  const wSum = add(sumAxes(w, [0, 1]), k(1e-6));
  const wMean = (v: string) => div(sumAxes(mul(w, v), [0, 1]), wSum);
  const mean = wMean(fRegion);
  const centred = sub(fRegion, mean);
  const std = op('Sqrt', [add(wMean(mul(centred, centred)), k(1e-6))]);
  const fn = div(centred, std);
  const gmag = op('Sqrt', [add(mul(gx, gx), mul(gy, gy))]);
  const gscale = add(wMean(gmag), k(1e-6));

  // ---- interior appearance and region cost -----------------------------------------------------------
  // Box prompts: the interior sample is the centre part of the box, read at one fixed scale: a large
  // part for a box alone, a small one when a positive point comes with the box (see params.ts).
  const hasPositive = op('Min', [count(pos), k(1)]);
  const seedFraction = blend(hasPositive, k(p.seedBoxPointFraction), k(p.seedBoxFraction));
  const rseed = op('Max', [mul(minAxes(rmax, [0, 1]), seedFraction), k(p.minRadius * 1.5)]);
  const wSeed = mul(mul(r, r), castF(op('LessOrEqual', [r, rseed])));
  const seedChannel = op('Gather', [samples, g.constant('int64', [], [p.seedScaleIndex])], {
    axis: { i: 0 },
  });
  const muBox = div(
    sumAxes(mul(wSeed, div(sub(seedChannel, mean), std)), [0, 1]),
    add(sumAxes(op('Expand', [wSeed, g.ints([K, R])]), [0, 1]), k(1e-6)),
  );
  // Point prompts: the object's size is unknown, so the interior estimate is scale-adaptive: a sample
  // at radius r is compared with the mean of everything within r / interiorRatio of the point (an
  // object reaching r contains that disc), but never less than seedRadius.
  const axis1 = g.constant('int64', [], [1]);
  const colSum = op('CumSum', [sumAxes(mul(w, fn), [0]), axis1]); // [1,R] inclusive over radius
  const colW = op('CumSum', [sumAxes(w, [0]), axis1]);
  const iotaF = g.constant(
    'float32',
    [1, R],
    Array.from({ length: R }, (_, i) => i),
  );
  const shift = div(k(Math.log(p.interiorRatio)), dlog);
  const floorIdx = div(op('Log', [k(p.seedRadius / p.minRadius)]), dlog);
  const innerIdx = op(
    'Cast',
    [op('Floor', [op('Clip', [op('Max', [sub(iotaF, shift), floorIdx]), k(0), k(R - 1)])])],
    {
      to: { i: 7 },
    },
  );
  const innerFlat = op('Reshape', [innerIdx, g.ints([R])]);
  const muPoint = div(
    op('Gather', [colSum, innerFlat], { axis: { i: 1 } }),
    add(op('Gather', [colW, innerFlat], { axis: { i: 1 } }), k(1e-6)),
  ); // [1,R]
  const muIn = blend(hasBox, muBox, muPoint);
  const dz = sub(fn, muIn);
  const wAll = mul(r, r);
  const insideArea = op('CumSum', [op('Expand', [wAll, g.ints([K, R])]), axis1], {
    exclusive: { i: 1 },
  });
  const bandSteps = op('Cast', [op('Ceil', [div(k(Math.log(p.bandRatio)), dlog)])], {
    to: { i: 7 },
  });
  const iota = g.constant(
    'int64',
    [R],
    Array.from({ length: R }, (_, i) => i),
  );
  const bandEnd = op('Min', [
    add(iota, op('Reshape', [bandSteps, g.ints([1])])),
    g.constant('int64', [1], [R - 1]),
  ]);
  // The point-prompt region cost for an interior appearance model of the given width (std units).
  const pointRegionFor = (width: number) => {
    const sim = op('Exp', [mul(mul(dz, dz), k(-1 / (2 * width * width)))]);
    const insideCost = op('CumSum', [mul(wAll, sub(k(1), sim)), axis1], { exclusive: { i: 1 } });
    // Outside the view nothing is known: a band sample there counts as an even chance (see params.ts).
    const simBand = add(mul(sim, hasData), mul(noData, k(p.noDataBandSim)));
    const simCum = op('CumSum', [mul(wAll, simBand), axis1], { exclusive: { i: 1 } }); // Σ_{j<i}
    const bandCost = sub(op('Gather', [simCum, bandEnd], { axis: { i: 1 } }), simCum);
    return div(add(insideCost, bandCost), add(insideArea, k(1e-6)));
  };
  // With a box, the ring just inside the box is background: a two-class (Chan–Vese-like) cost over
  // the whole ray inside the box, with the interior seed and the ring as the two appearance models.
  const ring = mul(
    mul(wAll, inBounds),
    castF(op('GreaterOrEqual', [r, mul(rmax, k(p.boxRingFraction))])),
  );
  const muOut = div(sumAxes(mul(ring, fn), [0, 1]), add(sumAxes(ring, [0, 1]), k(1e-6)));
  const dOut = sub(fn, muOut);
  const llr = mul(
    sub(mul(dOut, dOut), mul(dz, dz)),
    k(1 / (2 * p.appearanceWidth * p.appearanceWidth)),
  );
  const pIn = mul(op('Sigmoid', [llr]), inBounds);
  const wIn = mul(wAll, inBounds);
  const boxInsideCost = op('CumSum', [mul(wIn, sub(k(1), pIn)), axis1], { exclusive: { i: 1 } });
  const pCum = op('CumSum', [mul(wIn, pIn), axis1], { exclusive: { i: 1 } });
  const pTotal = sumAxes(mul(wIn, pIn), [1]);
  const boxRegion = div(add(boxInsideCost, sub(pTotal, pCum)), add(sumAxes(wIn, [1]), k(1e-6)));
  // Two hypotheses are decoded side by side (leading axis): the interior appearance model of
  // `appearanceWidth`, and a narrower one (`nestedWidth`) for a tap on a structure nested in a
  // larger one of similar echo (a vessel in an organ); see "nested" below. A box uses the same cost in
  // both.
  const boxCost = mul(boxRegion, k(p.boxRegionScale));
  const regionCost = op(
    'Concat',
    [
      op('Unsqueeze', [blend(hasBox, boxCost, pointRegionFor(p.appearanceWidth)), g.ints([0])]),
      op('Unsqueeze', [blend(hasBox, boxCost, pointRegionFor(p.nestedWidth)), g.ints([0])]),
    ],
    { axis: { i: 0 } },
  ); // [2,K,R]

  // ---- boundary evidence: radial gradient, saturated -------------------------------------------------
  const radial = div(add(mul(gx, ux), mul(gy, uy)), gscale);
  const absR = op('Abs', [radial]);
  // The edge of the field of view is not evidence: drop edges with no echo data a little further out.
  const aheadSteps = op('Reshape', [
    op('Cast', [op('Ceil', [div(k(Math.log(p.noDataMarginRatio)), dlog)])], { to: { i: 7 } }),
    g.ints([1]),
  ]);
  const aheadIdx = op('Min', [add(iota, aheadSteps), g.constant('int64', [1], [R - 1])]);
  const dataAhead = sub(k(1), op('Gather', [reached, aheadIdx], { axis: { i: 1 } }));
  const edge = mul(div(absR, add(k(1), mul(absR, k(1 / p.edgeCap)))), dataAhead);

  // ---- corrective clicks: positives push the contour out, negatives pull it in ------------------------
  const dxp = sub(xs, cx); // [1,N]
  const dyp = sub(ys, cy);
  const rho = op('Sqrt', [add(add(mul(dxp, dxp), mul(dyp, dyp)), k(1e-6))]);
  const cosAng = div(add(mul(ux, dxp), mul(uy, dyp)), rho); // [K,N]
  const cosLimit = Math.cos(dTheta);
  const match = op('Relu', [mul(sub(cosAng, k(cosLimit)), k(1 / (1 - cosLimit)))]);
  const rhoCol = op('Transpose', [rho], { perm: { ints: [1, 0] } }); // [N,1]
  const below = castF(op('Less', [r, mul(rhoCol, k(1.02))])); // [N,R]: contour would leave the click out
  const above = castF(op('Greater', [r, mul(rhoCol, k(0.95))])); // contour would take the click in
  const clickPenalty = add(
    op('MatMul', [mul(match, pos), below]),
    op('MatMul', [mul(match, neg), above]),
  );

  // ---- previous mask: prior on log radius per ray ------------------------------------------------------
  const prevLogits = sampleOf(maskIn); // [1,K,R]
  const prevInside = op('Sigmoid', [mul(op('Reshape', [prevLogits, g.ints([K, R])]), k(2))]);
  // Its radius on each ray: the count of log-spaced samples inside it, less the half sample by which
  // a count of a step overshoots it. The previous mask was rasterised `contourOffset` further out
  // than its contour (see params.ts): the prior is on the contour itself, or every frame fed its own
  // mask back (tracking, volumes) would push the contour out again.
  const prevShown = op('Exp', [
    add(k(Math.log(p.minRadius)), mul(sub(sumAxes(prevInside, [1]), k(0.5)), dlog)),
  ]); // [K,1]
  const prevLogr = op('Log', [
    op('Max', [sub(prevShown, k(p.contourOffset * cell)), k(p.minRadius)]),
  ]);
  const dl = sub(logr, prevLogr);
  const prevPrior = mul(mul(mul(dl, dl), k(-p.previousMaskWeight)), hasMaskIn);

  // ---- log evidence per state ------------------------------------------------------------------------
  let L = sub(mul(edge, k(p.edgeWeight)), mul(regionCost, k(p.regionWeight)));
  L = add(L, mul(sub(allowed, k(1)), k(30)));
  L = sub(L, mul(clickPenalty, k(p.clickPenalty)));
  L = add(L, prevPrior);
  // Point prompts: where a ray runs out (the view's or the image's edge) is not a boundary the tap
  // asked for. Without this the contour of a weak-edged object ran on to the edge of the sector.
  const atBound = castF(op('Greater', [r, mul(reachable, k(p.boundFraction))]));
  L = sub(L, mul(mul(atBound, k(p.boundPenalty)), sub(k(1), hasBox)));
  // A box alone: a contour far inside the box is not the object the box was drawn around (see
  // params.ts). A box with a positive point is not held to this: the tracker's boxes around a tap
  // are probes of scale, not outlines.
  const short = op('Relu', [sub(k(1), div(r, mul(rmax, k(p.boxFillFraction))))]); // [K,R]
  const boxAlone = mul(hasBox, sub(k(1), hasPositive));
  L = sub(L, mul(mul(short, k(p.boxFillPenalty)), boxAlone));
  const ev = op('Exp', [sub(L, maxAxes(L, [2]))]); // [2,K,R]: per hypothesis

  // ---- forward–backward on the unrolled circular chain (both directions batched) -----------------------
  const steps = K + 2 * E;
  const idx: number[] = [];
  for (let j = 0; j < steps; j++) {
    idx.push((((j - E) % K) + K) % K, (((K + E - 1 - j) % K) + K) % K);
  }
  const stacked = op('Gather', [ev, g.constant('int64', [steps, 2], idx)], { axis: { i: 1 } }); // [2,steps,2,R]
  const perStep = g.opMulti('Split', [stacked], steps, { axis: { i: 1 } });
  // Banded transition matrix: T[i][j] = exp(-smoothness·(i−j)²) for |i−j| ≤ maxJump; for a box
  // alone exp(-min(smoothness·(i−j)², boxJumpCostCap)) for |i−j| ≤ boxMaxJump (see params.ts);
  // exp(-jumpFloorCost) outside the band, so constraints no smooth contour meets still leave a path.
  const T: number[] = [];
  const TB: number[] = [];
  const cap = p.boxJumpCostCap > 0 ? p.boxJumpCostCap : Infinity;
  const jumpFloor = Math.exp(-p.jumpFloorCost);
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < R; j++) {
      T.push(Math.abs(i - j) <= D ? Math.exp(-p.smoothness * (i - j) ** 2) : jumpFloor);
      TB.push(
        Math.abs(i - j) <= p.boxMaxJump
          ? Math.exp(-Math.min(p.smoothness * (i - j) ** 2, cap))
          : jumpFloor,
      );
    }
  }
  const transPoint = g.constant('float32', [R, R], T);
  const transBox = g.constant('float32', [R, R], TB);
  const trans = add(transPoint, mul(boxAlone, sub(transBox, transPoint)));
  // Three nodes, not one LpNormalization: that op has no CUDA kernel in onnxruntime, and a CPU
  // fallback in every step of the chain would copy to and from the GPU each time (measured on the
  // CPU it was 8 % faster, eleventh session).
  const normalise = (v: string) => div(v, add(sumAxes(v, [3]), k(1e-30)));
  let state = normalise(perStep[0]!); // [2,1,2,R]
  const states: string[] = [];
  const messages: string[] = [];
  for (let j = 1; j < steps; j++) {
    const msg = op('MatMul', [state, trans]);
    const next = mul(msg, perStep[j]!);
    // Rows of the evidence peak at 1, so renormalising every other step keeps float32 in range.
    state = j % 2 === 0 || (j >= E && j < E + K) ? normalise(next) : next;
    if (j >= E && j < E + K) {
      states.push(state);
      messages.push(msg);
    }
  }
  const pick = (list: string[], which: number) =>
    op('Gather', [op('Concat', list, { axis: { i: 1 } }), g.constant('int64', [], [which])], {
      axis: { i: 2 },
    }); // [2,K,R]
  const fwd = pick(states, 0);
  const bwdAll = pick(messages, 1);
  const reversed = g.constant(
    'int64',
    [K],
    Array.from({ length: K }, (_, i) => K - 1 - i),
  );
  const bwd = op('Gather', [bwdAll, reversed], { axis: { i: 1 } });
  const post = mul(fwd, bwd); // [2,K,R]
  const sharp = normalise2(op('Pow', [normalise2(post), k(p.sharpen)]));
  function normalise2(v: string): string {
    return div(v, add(sumAxes(v, [2]), k(1e-30)));
  }
  const rcBoth = op('Exp', [sumAxes(mul(sharp, logr), [2])]); // [2,K,1]

  // ---- quality score per hypothesis ------------------------------------------------------------------
  const edgeSupport = div(sumAxes(mul(sharp, edge), [1, 2]), k(K)); // [2,1,1]
  const regionFit = div(sumAxes(mul(sharp, regionCost), [1, 2]), k(K));
  const touching = castF(op('Greater', [rcBoth, mul(reachable, k(p.boundFraction))]));
  const leak = mul(div(sumAxes(touching, [1, 2]), k(K)), sub(k(1), hasBox));
  const meanR = div(sumAxes(rcBoth, [1, 2]), k(K));
  const tiny = castF(op('Less', [meanR, k(p.minObjectRadius * 1.5)]));
  const quality = op('Sigmoid', [sub(mul(sub(edgeSupport, k(1)), k(3)), mul(regionFit, k(3)))]);
  const scores = mul(mul(quality, sub(k(1), leak)), sub(k(1), tiny)); // [2,1,1]

  // ---- nested: a tap on a structure inside a larger one of similar echo ------------------------------
  // The narrow model's contour is taken when it is much smaller than the broad one's, scores at least
  // as well (and is plausible), and what it encloses differs clearly from the rest of the broad one's
  // region: the tap is on a distinct structure with its own boundary inside a larger one (a vessel in
  // an organ, 3–4 dB darker), which the broad model ran over. Only for prompts without a box, with
  // every positive click inside the narrow contour, and, given a previous mask, a narrow contour that
  // keeps at least `nestedHistoryRatio` of that mask's area (see params.ts).
  const hyp = (t: string, i: number) =>
    op('Gather', [t, g.constant('int64', [], [i])], { axis: { i: 0 } });
  const rcBroad = hyp(rcBoth, 0); // [K,1]
  const rcNarrow = hyp(rcBoth, 1);
  const scoreBroad = hyp(scores, 0); // [1,1]
  const scoreNarrow = hyp(scores, 1);
  const narrowArea = sumAxes(mul(rcNarrow, rcNarrow), [0, 1]); // ∝ area, [1,1]
  const areaRatio = div(narrowArea, add(sumAxes(mul(rcBroad, rcBroad), [0, 1]), k(1e-6)));
  const within = castF(op('LessOrEqual', [r, rcNarrow])); // [K,R]
  const between = mul(castF(op('Greater', [r, rcNarrow])), castF(op('LessOrEqual', [r, rcBroad])));
  const regionStats = (m: string) => {
    const wm = mul(w, m);
    const wsum = add(sumAxes(wm, [0, 1]), k(1e-6));
    const mu = div(sumAxes(mul(wm, fn), [0, 1]), wsum);
    const d = sub(fn, mu);
    const sd = op('Sqrt', [add(div(sumAxes(mul(wm, mul(d, d)), [0, 1]), wsum), k(1e-6))]);
    return { mu, sd };
  };
  const inner = regionStats(within);
  const outer = regionStats(between);
  const separation = div(sub(outer.mu, inner.mu), mul(add(inner.sd, outer.sd), k(0.5)));
  // The user's positive clicks must all lie inside the narrow contour (a click outside it says the
  // object is larger).
  const leftOut = sumAxes(mul(mul(match, pos), castF(op('Less', [rcNarrow, rho]))), [0, 1]); // [1,1]
  // With a previous mask, the narrow contour must keep at least half of that mask's area: a narrow
  // contour that only the newest clicks make small is not the structure the history followed.
  const keepsHistory = op('Max', [
    op('Reshape', [sub(k(1), hasMaskIn), g.ints([1, 1])]),
    castF(
      op('GreaterOrEqual', [
        narrowArea,
        mul(sumAxes(mul(prevShown, prevShown), [0, 1]), k(p.nestedHistoryRatio)),
      ]),
    ),
  ]);
  const onlyPoints = mul(
    mul(op('Reshape', [sub(k(1), hasBox), g.ints([1, 1])]), keepsHistory),
    castF(op('Less', [leftOut, k(0.5)])),
  );
  const nested = mul(
    mul(
      mul(
        mul(
          castF(op('Less', [areaRatio, k(p.nestedAreaRatio)])),
          castF(op('Greater', [areaRatio, k(p.nestedMinAreaRatio)])),
        ),
        castF(op('Greater', [separation, k(p.nestedSeparation)])),
      ),
      mul(
        castF(op('GreaterOrEqual', [scoreNarrow, scoreBroad])),
        castF(op('Greater', [scoreNarrow, k(p.nestedMinScore)])),
      ),
    ),
    onlyPoints,
  ); // [1,1]
  const rc = blend(nested, rcNarrow, rcBroad); // [K,1]
  const score = blend(nested, scoreNarrow, scoreBroad); // [1,1]

  // ---- rasterise the contour on the feature grid --------------------------------------------------------
  const centres = Array.from({ length: G }, (_, i) => (i + 0.5) * cell);
  const PX = g.constant('float32', [1, G], centres);
  const PY = g.constant('float32', [G, 1], centres);
  const dx = sub(PX, cx); // [1,G]
  const dy = sub(PY, cy); // [G,1]
  const dist = op('Sqrt', [add(mul(dx, dx), mul(dy, dy))]); // [G,G]
  const dxs = add(dx, mul(castF(op('Less', [op('Abs', [dx]), k(1e-6)])), k(1e-6)));
  // atan2(dy, dx) from arithmetic alone (onnxruntime's CUDA provider has no Atan kernel, and one
  // CPU node would copy this tensor to the host and back on every decode): the angle of the octant
  // from a polynomial in t = min/max ∈ [0, 1] (Abramowitz & Stegun 4.4.49, error ≤ 1e-5 rad, under
  // 0.002 model px at the largest radius), then mirrored into its quadrant.
  const ax = op('Abs', [dxs]);
  const ay = op('Abs', [dy]);
  const steep = castF(op('Greater', [ay, ax])); // [G,G]
  const t = div(op('Min', [ax, ay]), op('Max', [ax, ay]));
  const t2 = mul(t, t);
  const poly = [0.999866, -0.3302995, 0.180141, -0.085133, 0.0208351].reduceRight(
    (acc, c) => (acc ? add(k(c), mul(t2, acc)) : k(c)),
    '',
  );
  const octant = mul(t, poly); // atan(t) ∈ [0, π/4]
  const firstQuadrant = blend(steep, sub(k(Math.PI / 2), octant), octant); // atan(|dy| / |dx|)
  const left = castF(op('Less', [dxs, k(0)]));
  const halfPlane = blend(left, sub(k(Math.PI), firstQuadrant), firstQuadrant); // for dy ≥ 0
  const upper = castF(op('Less', [dy, k(0)])); // dy < 0: the upper half of the image
  const theta = mul(halfPlane, sub(k(1), mul(upper, k(2)))); // negated there
  const aRaw = sub(div(theta, k(dTheta)), k(0.5));
  const aIdx = sub(aRaw, mul(op('Floor', [div(aRaw, k(K))]), k(K)));
  // Contour radius at each cell's angle: linear between the two nearest rays (wrapping).
  const rcFlat = op('Reshape', [add(rc, k(p.contourOffset * cell)), g.ints([K])]);
  const i0f = op('Floor', [aIdx]);
  const angleFrac = sub(aIdx, i0f);
  // Mod again: float rounding can put an angle exactly at K.
  const i0 = op('Mod', [op('Cast', [i0f], { to: { i: 7 } }), g.constant('int64', [], [K])]);
  const i1 = op('Mod', [add(i0, g.constant('int64', [], [1])), g.constant('int64', [], [K])]);
  const r0 = op('Gather', [rcFlat, i0], { axis: { i: 0 } });
  const r1 = op('Gather', [rcFlat, i1], { axis: { i: 0 } });
  const rAt = add(r0, mul(sub(r1, r0), angleFrac)); // [G,G]
  const valid = mul(castF(op('Less', [PX, vw])), castF(op('Less', [PY, vh])));
  const signed = div(sub(rAt, dist), k(cell));
  const clipped = op('Clip', [signed, k(-p.logitClip), k(p.logitClip)]);
  const lowRes = sub(mul(add(clipped, k(p.logitClip)), valid), k(p.logitClip));
  const lowRes4 = op('Reshape', [lowRes, g.ints([1, 1, G, G])]);
  g.output(lowRes4, 'low_res_masks', 'float32', [1, 1, G, G]);

  g.output(op('Reshape', [score, g.ints([1, 1])]), 'iou_predictions', 'float32', [1, 1]);
  return g.toBytes({ role: 'decoder', model: 'pocus-builtin' });
}
