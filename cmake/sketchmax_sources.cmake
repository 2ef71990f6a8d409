# Source lists and per-ISA flags, shared by CMakeLists.txt; native/sketchmax.gyp lists the same files.
set(SKETCHMAX_NATIVE ${CMAKE_CURRENT_LIST_DIR}/../native)
set(SKETCHMAX_SCALAR_SOURCES ${SKETCHMAX_NATIVE}/softmax/three_pass_scalar.cc ${SKETCHMAX_NATIVE}/softmax/two_pass_scalar.cc
    ${SKETCHMAX_NATIVE}/linalg/dense_scalar.cc)
set(SKETCHMAX_AVX2_SOURCES ${SKETCHMAX_NATIVE}/softmax/three_pass_avx2.cc ${SKETCHMAX_NATIVE}/softmax/two_pass_avx2.cc
    ${SKETCHMAX_NATIVE}/linalg/dense_avx2.cc)
set(SKETCHMAX_AVX512_SOURCES ${SKETCHMAX_NATIVE}/softmax/three_pass_avx512.cc ${SKETCHMAX_NATIVE}/softmax/two_pass_avx512.cc
    ${SKETCHMAX_NATIVE}/linalg/dense_avx512.cc)
set(SKETCHMAX_CORE_SOURCES
    ${SKETCHMAX_NATIVE}/cpu/cpu_features.cc
    ${SKETCHMAX_NATIVE}/cpu/dispatch.cc
    ${SKETCHMAX_NATIVE}/cpu/cache_info.cc
    ${SKETCHMAX_NATIVE}/linalg/dense.cc
    ${SKETCHMAX_NATIVE}/linalg/lsqr.cc
    ${SKETCHMAX_NATIVE}/linalg/lstsq.cc
    ${SKETCHMAX_NATIVE}/linalg/qr.cc
    ${SKETCHMAX_NATIVE}/sampling/anderson.cc
    ${SKETCHMAX_NATIVE}/sampling/leverage.cc
    ${SKETCHMAX_NATIVE}/sampling/lewis.cc
    ${SKETCHMAX_NATIVE}/sampling/lp_regression.cc
    ${SKETCHMAX_NATIVE}/sampling/sample_rows.cc
    ${SKETCHMAX_NATIVE}/sketch/sketch.cc
    ${SKETCHMAX_NATIVE}/softmax/softmax.cc)
# The C API (native/include/sketchmax/sketchmax.h) over the drivers above.
set(SKETCHMAX_CAPI_SOURCES
    ${SKETCHMAX_NATIVE}/capi/lstsq_capi.cc
    ${SKETCHMAX_NATIVE}/capi/runtime_capi.cc
    ${SKETCHMAX_NATIVE}/capi/sampling_capi.cc
    ${SKETCHMAX_NATIVE}/capi/sketch_capi.cc
    ${SKETCHMAX_NATIVE}/capi/softmax_capi.cc)
set(SKETCHMAX_AVX2_FLAGS -mavx2 -mfma)
set(SKETCHMAX_AVX512_FLAGS -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma)
# g++ 12 warns falsely inside its own avx512fintrin.h (_mm512_undefined_*): silence only those.
set(SKETCHMAX_AVX512_WARNINGS -Wno-uninitialized -Wno-maybe-uninitialized)
