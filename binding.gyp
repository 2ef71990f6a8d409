# The sketchmax addon: the thin N-API layer of native/addon over the kernels and C API of
# native/sketchmax.gyp (the same targets other addons link, so there is one dispatch and one set of
# kernels). The addon itself has no -m flag; each ISA's kernels carry their own (see that file).
{
  'targets': [
    {
      'target_name': 'sketchmax',
      'sources': [
        'native/addon/addon.cc',
        'native/addon/lstsq_binding.cc',
        'native/addon/sampling_binding.cc',
        'native/addon/sketch_binding.cc',
        'native/addon/softmax_binding.cc',
      ],
      'cflags_cc': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off'],
      'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off']},
      'include_dirs': ['native'],
      'dependencies': [
        'native/sketchmax.gyp:sketchmax_capi',
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'defines': [
        'NAPI_VERSION=8',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
        'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
      ],
    },
  ],
}
