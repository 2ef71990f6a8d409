// N-API glue for the sketch kernels (internal until the public sketch() API lands):
//   sketchApply(A: Float64Array, n, d, b: Float64Array | null, kind, m, k0, k1, nnz) -> Float64Array
// returns S·[A | b] (m x (d + (b ? 1 : 0)), row-major). kind: 0 gaussian, 1 rademacher, 2 srht,
// 3 countsketch, 4 sparse-sign; (k0, k1) the Philox key. Every argument is re-checked here.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "addon/addon_state.h"
#include "sketch/sketch.h"

namespace sketchmax {
namespace {

[[noreturn]] void fail_range(Napi::Env env, const std::string& what) {
  throw Napi::RangeError::New(env, "sketchmax.sketch: " + what);
}

size_t whole(Napi::Env env, const Napi::Value& v, const char* name, double max) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("sketchmax.sketch: ") + name + " must be a number");
  const double x = v.As<Napi::Number>().DoubleValue();
  if (!(x >= 0) || x > max || x != std::floor(x)) fail_range(env, std::string(name) + " out of range");
  return static_cast<size_t>(x);
}

const double* doubles(Napi::Env env, const Napi::Value& v, const char* name, size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, std::string("sketchmax.sketch: ") + name + " must be a Float64Array");
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != length) fail_range(env, std::string(name) + " has the wrong length");
  return a.Data();
}

Napi::Value SketchApply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 9) throw Napi::TypeError::New(env, "sketchmax.sketch: expected 9 arguments");
  constexpr double kMaxDim = 9007199254740991.0;
  const size_t n = whole(env, info[1], "n", kMaxDim), d = whole(env, info[2], "d", kMaxDim);
  if (n == 0 || d == 0 || n > SIZE_MAX / d) fail_range(env, "A must be a non-empty n x d matrix");
  const double* A = doubles(env, info[0], "A", n * d);
  const double* b = info[3].IsNull() ? nullptr : doubles(env, info[3], "b", n);
  SketchSpec spec;
  const size_t kind = whole(env, info[4], "kind", 4);
  spec.kind = static_cast<SketchKind>(kind);
  spec.rows = whole(env, info[5], "rows", kMaxDim);
  spec.key[0] = static_cast<uint32_t>(whole(env, info[6], "k0", 4294967295.0));
  spec.key[1] = static_cast<uint32_t>(whole(env, info[7], "k1", 4294967295.0));
  spec.nnz_per_column = whole(env, info[8], "nnzPerColumn", kMaxDim);
  const size_t k = d + (b ? 1 : 0);
  if (spec.rows == 0 || spec.rows > SIZE_MAX / k) fail_range(env, "rows must be positive");
  if (spec.kind == SketchKind::kSparseSign && (spec.nnz_per_column == 0 || spec.nnz_per_column > spec.rows)) {
    fail_range(env, "nnzPerColumn must be in [1, rows]");
  }
  if (spec.kind == SketchKind::kSrht) {
    size_t N = 1;
    while (N < n) N *= 2;
    if (spec.rows > N) fail_range(env, "rows must not exceed n padded to a power of two for srht");
  }
  Napi::Float64Array out = Napi::Float64Array::New(env, spec.rows * k);
  if (!sketch_apply(kernel_table(addon_state(env).isa), spec, A, n, d, b, out.Data(), 1)) {
    throw Napi::Error::New(env, "sketchmax.sketch: out of memory for the SRHT's padded copy of A");
  }
  return out;
}

}  // namespace

void register_sketch(Napi::Env env, Napi::Object exports) {
  exports.Set("sketchApply", Napi::Function::New(env, SketchApply, "sketchApply"));
}

}  // namespace sketchmax
