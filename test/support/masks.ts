/** Binary masks for tests: a disc of radius `r` centred at (cx, cy) on a w×h image (pixel centres). */
export function disc(w: number, h: number, cx: number, cy: number, r: number) {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) data[y * w + x] = 1;
  return { width: w, height: h, data };
}
