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
export { leverageScores, leverageScoresAsync, lewisWeights, lewisWeightsAsync } from './sampling/scores';
export type { AsyncOptions, BackendOptions, LeverageScoresOptions, LewisWeightsOptions } from './sampling/scores';
export type { LewisResult } from './sampling/lewis';
export { lpSensitivities, totalSensitivity } from './sampling/sensitivities_api';
export type { LpSensitivitiesOptions, SensitivityResult, TotalSensitivityOptions, TotalSensitivityResult } from './sampling/sensitivities_api';
export { sampleRows, sampleRowsAsync } from './sampling/sample';
export type { RowSampleResult, SampleRowsOptions, SamplingScheme } from './sampling/sample';
export { sampleSize } from './sampling/sample_size';
export type { SampleSizeOptions } from './sampling/sample_size';
export { lpRegression, lpRegressionAsync } from './sampling/lp_regression_api';
export type { LpRegressionAsyncOptions, LpRegressionCallOptions as LpRegressionOptions, LpRegressionResult, RowSampleInput } from './sampling/lp_regression_api';
export { embeddingDistortion } from './sampling/distortion_api';
export type { DistortionOptions, DistortionResult } from './sampling/distortion_api';
