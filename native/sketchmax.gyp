# The sketchmax kernels and C API as gyp targets, for the sketchmax addon (../binding.gyp) and for
# other addons, which depend on the target `sketchmax_capi` of this file (require('sketchmax/native').gyp)
# and then include <sketchmax/sketchmax.h>. One static library per ISA, each with its own -m flags;
# the ISA-neutral code (CPU detection, dispatch, drivers, C API) has none, and nothing here needs a
# flag from the consumer. Never -march=native, never -flto: the binary runs on any x86-64 CPU and
# picks its kernels at run time. ../cmake/sketchmax_sources.cmake lists the same files for CMake.
{
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off'],
    'include_dirs': ['.'],
    'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-std=c++17', '-O3', '-fno-math-errno', '-ffp-contract=off']},
  },
  'targets': [
    {
      'target_name': 'sketchmax_scalar',
      'type': 'static_library',
      'sources': ['softmax/three_pass_scalar.cc', 'softmax/two_pass_scalar.cc', 'linalg/dense_scalar.cc'],
    },
    {
      'target_name': 'sketchmax_capi',
      'type': 'static_library',
      'sources': [
        'capi/lstsq_capi.cc',
        'capi/runtime_capi.cc',
        'capi/sampling_capi.cc',
        'capi/sketch_capi.cc',
        'capi/softmax_capi.cc',
        'cpu/cache_info.cc',
        'cpu/cpu_features.cc',
        'cpu/dispatch.cc',
        'linalg/dense.cc',
        'linalg/lsqr.cc',
        'linalg/lstsq.cc',
        'linalg/qr.cc',
        'sampling/anderson.cc',
        'sampling/leverage.cc',
        'sampling/lewis.cc',
        'sampling/lp_regression.cc',
        'sampling/sample_rows.cc',
        'sketch/sketch.cc',
        'softmax/softmax.cc',
      ],
      'include_dirs': ['include'],
      # The drivers catch std::bad_alloc (and the C API every exception), so this library is built
      # with exceptions whatever its dependents use; none crosses the C API.
      'cflags_cc!': ['-fno-exceptions'],
      'cflags_cc': ['-fexceptions'],
      'xcode_settings': {'GCC_ENABLE_CPP_EXCEPTIONS': 'YES'},
      'msvs_settings': {'VCCLCompilerTool': {'ExceptionHandling': 1}},
      'dependencies': ['sketchmax_scalar'],
      'direct_dependent_settings': {'include_dirs': ['include']},
      'link_settings': {'conditions': [['OS=="linux"', {'libraries': ['-pthread']}]]},
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
          'sources': ['softmax/three_pass_avx2.cc', 'softmax/two_pass_avx2.cc', 'linalg/dense_avx2.cc'],
          'cflags_cc': ['-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma']},
          'msvs_settings': {'VCCLCompilerTool': {'EnableEnhancedInstructionSet': '5'}},
        },
        {
          'target_name': 'sketchmax_avx512',
          'type': 'static_library',
          'sources': ['softmax/three_pass_avx512.cc', 'softmax/two_pass_avx512.cc', 'linalg/dense_avx512.cc'],
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
