'use strict';
// require('sketchmax/native'): how C and C++ code builds against sketchmax's kernels (README "Using the
// kernels from C/C++"), in node-addon-api's terms:
//   include / include_dir  the directory of <sketchmax/sketchmax.h> (absolute)
//   gyp                    a gyp dependency, 'native/sketchmax.gyp:sketchmax_capi' relative to the
//                          working directory (node-gyp runs in the addon's directory, where its
//                          binding.gyp is): it compiles every ISA's kernels with their own flags
//                          and the C API into the consumer's addon
//   targets                the path of that .gyp file (relative, as gyp wants it)
//   cmake                  the CMake project directory, for add_subdirectory(); link sketchmax::sketchmax
//   version                the C API version (SKETCHMAX_VERSION_STRING)
const path = require('node:path');

const include = path.join(__dirname, 'include');
const gypFile = path.relative('.', path.join(__dirname, 'sketchmax.gyp')).split(path.sep).join('/');

module.exports = {
  include,
  include_dir: include,
  gyp: `${gypFile}:sketchmax_capi`,
  targets: gypFile,
  cmake: path.join(__dirname, '..'),
  version: require('../package.json').version,
};
