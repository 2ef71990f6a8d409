/**
 * sketchmax: softmax (three-pass, two-pass), sketched least squares and lp sensitivity sampling,
 * over C++ SIMD kernels chosen at run time, with a TypeScript fallback for every function.
 * @packageDocumentation
 */
export { info, setIsa } from './backend';
export { logSoftmax, logSoftmaxAsync, softmax, softmaxAsync } from './softmax/softmax';
export type { SoftmaxAlgorithm, SoftmaxOptions } from './softmax/softmax';
export type { Backend, FloatArray, Info, IsaName } from './types';
