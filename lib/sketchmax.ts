/**
 * sketchmax: softmax (three-pass, two-pass), sketched least squares and lp sensitivity sampling,
 * over C++ SIMD kernels chosen at run time, with a TypeScript fallback for every function.
 * @packageDocumentation
 */
export { info, setIsa } from './backend';
export { logSoftmax, logSoftmaxAsync, softmax, softmaxAsync } from './softmax/softmax';
export type { SoftmaxAlgorithm, SoftmaxOptions } from './softmax/softmax';
export type { Backend, FloatArray, Info, IsaName } from './types';
export { lstsq, lstsqAsync } from './linalg/lstsq';
export { linfSketchRows, preconditionSketchRows } from './linalg/lstsq_options';
export type { LstsqAsyncOptions, LstsqGuarantee, LstsqMethod, LstsqOptions, LstsqProgress, LstsqResult, LstsqSketchOptions } from './linalg/lstsq_options';
export { SketchAccumulator } from './sketch/accumulator';
export type { SketchAccumulatorOptions, SketchPartial, StreamableSketchKind } from './sketch/accumulator';
export { matrix } from './sketch/matrix';
export type { Matrix } from './sketch/matrix';
export { sketch, sketchAsync } from './sketch/sketch';
export type { SketchKind, SketchOptions, SketchResult } from './sketch/sketch';
