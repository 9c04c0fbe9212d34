/**
 * Which of a decoder's candidate masks to use. Single-mask exports have one; multimask SAM exports
 * return the single-mask output first and three alternatives after it. SAM's own rule
 * (SamOnnxModel.select_masks): with an ambiguous prompt (at most two encoded points: one click plus
 * padding, or a box alone) take the best-scoring alternative; otherwise take the first mask.
 */
export function selectMask(scores: ArrayLike<number>, encodedPointCount: number): number {
  if (scores.length <= 1) return 0;
  if (encodedPointCount > 2) return 0;
  let best = 1;
  for (let i = 2; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
