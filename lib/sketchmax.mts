// ES module entry: the same functions as the CommonJS build (one instance of the addon state).
import sketchmax from './sketchmax.js';

export const { info, setIsa, softmax, logSoftmax, softmaxAsync, logSoftmaxAsync } = sketchmax;
export type { Backend, FloatArray, Info, IsaName, SoftmaxAlgorithm, SoftmaxOptions } from './sketchmax.js';
export default sketchmax;
