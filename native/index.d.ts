/** Build settings for C/C++ code that uses sketchmax's C API (native/include/sketchmax/sketchmax.h). */
declare const native: {
  /** Absolute directory to add to the include path: `#include <sketchmax/sketchmax.h>`. */
  readonly include: string;
  /** The same as `include` (node-addon-api's name). */
  readonly include_dir: string;
  /** A gyp dependency (`<file>.gyp:sketchmax_capi`, relative to the working directory) that compiles the kernels and C API into your addon. */
  readonly gyp: string;
  /** The path of the .gyp file alone, relative to the working directory. */
  readonly targets: string;
  /** The CMake project directory: `add_subdirectory(<cmake>)`, then link `sketchmax::sketchmax`. */
  readonly cmake: string;
  /** The package (and C API) version. */
  readonly version: string;
};
export = native;
