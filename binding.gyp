# The sketchmax addon: one static library per ISA, each with its own -m flags, linked into one
# .node whose ISA-neutral code (cpu detection, dispatch, driver, N-API glue) has no -m flag at all.
# Never -march=native, never -flto: the binary must run on any x86-64 CPU and pick its kernels at
# run time. cmake/sketchmax_sources.cmake lists the same files for the native tests.
{
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off'],
    'include_dirs': ['native'],
    'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off']},
  },
  'targets': [
    {
      'target_name': 'sketchmax_scalar',
      'type': 'static_library',
      'sources': ['native/softmax/three_pass_scalar.cc', 'native/softmax/two_pass_scalar.cc',
                      'native/linalg/dense_scalar.cc'],
    },
    {
      'target_name': 'sketchmax',
      'sources': [
        'native/addon/addon.cc',
        'native/addon/lstsq_binding.cc',
        'native/addon/sampling_binding.cc',
        'native/addon/sketch_binding.cc',
        'native/addon/softmax_binding.cc',
        'native/cpu/cache_info.cc',
        'native/cpu/cpu_features.cc',
        'native/cpu/dispatch.cc',
        'native/linalg/dense.cc',
        'native/linalg/lsqr.cc',
        'native/linalg/lstsq.cc',
        'native/linalg/qr.cc',
        'native/sampling/leverage.cc',
        'native/sketch/sketch.cc',
        'native/softmax/softmax.cc',
      ],
      'dependencies': [
        'sketchmax_scalar',
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'defines': [
        'NAPI_VERSION=8',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
        'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
      ],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['sketchmax_avx2', 'sketchmax_avx512']}],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'sketchmax_avx2',
          'type': 'static_library',
          'sources': ['native/softmax/three_pass_avx2.cc', 'native/softmax/two_pass_avx2.cc',
                      'native/linalg/dense_avx2.cc'],
          'cflags_cc': ['-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma']},
          'msvs_settings': {'VCCLCompilerTool': {'EnableEnhancedInstructionSet': '5'}},
        },
        {
          'target_name': 'sketchmax_avx512',
          'type': 'static_library',
          'sources': ['native/softmax/three_pass_avx512.cc', 'native/softmax/two_pass_avx512.cc',
                      'native/linalg/dense_avx512.cc'],
          # g++ 12 warns falsely inside its own avx512fintrin.h (_mm512_undefined_*).
          'cflags_cc': ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma',
                        '-Wno-uninitialized', '-Wno-maybe-uninitialized'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma']},
          'msvs_settings': {'VCCLCompilerTool': {'EnableEnhancedInstructionSet': '6'}},
        },
      ],
    }],
  ],
}
