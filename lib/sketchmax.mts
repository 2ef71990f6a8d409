// ES module entry: the same functions as the CommonJS build (one instance of the addon state).
import sketchmax from './sketchmax.js';

export const { info, setIsa, softmax, logSoftmax, softmaxAsync, logSoftmaxAsync, sketch, sketchAsync, SketchAccumulator, matrix, lstsq, lstsqAsync, linfSketchRows, preconditionSketchRows } = sketchmax;
export type {
  Backend,
  FloatArray,
  Info,
  IsaName,
  LstsqAsyncOptions,
  LstsqGuarantee,
  LstsqMethod,
  LstsqOptions,
  LstsqProgress,
  LstsqResult,
  LstsqSketchOptions,
  Matrix,
  SketchAccumulatorOptions,
  SketchKind,
  SketchOptions,
  SketchPartial,
  SketchResult,
  SoftmaxAlgorithm,
  SoftmaxOptions,
  StreamableSketchKind,
} from './sketchmax.js';
export default sketchmax;
