// The public embeddingDistortion: the TypeScript measure of distortion.ts (it evaluates ratios of
// small weighted sums; no kernel of the addon would speed up more than its O(n·d) passes).
import type { Matrix } from '../sketch/matrix';
import { embeddingDistortionJs, type DistortionOptions, type DistortionResult, type DistortionSample } from './distortion';

export type { DistortionOptions, DistortionResult, DistortionSample };

/**
 * How far a weighted row sample (a {@link sampleRows} result) is from an ℓp subspace embedding of
 * A's column space: max over x of |‖SAx‖_p^p/‖Ax‖_p^p − 1|, exact for p = 2 (extreme eigenvalues),
 * otherwise a certified lower bound from random, whitened and row-maximizing directions refined by
 * local search. A and the sample are not modified.
 */
export function embeddingDistortion(A: Matrix, sample: DistortionSample, p: number, options?: DistortionOptions): DistortionResult {
  return embeddingDistortionJs(A, sample, p, options);
}
