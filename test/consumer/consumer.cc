// A consumer addon: sketchmax's C API called from C++ with no JavaScript in between.
//   softmax(x: Float32Array | Float64Array, rows, algorithm, log) -> a new array of x's type
//   lstsq(A: Float64Array, n, d, b: Float64Array, method) -> { x, rank, method, residualNorm }
//   leverage(A, n, d, b | null, method) -> { tau, rank }
//   lewis(A, n, d, b | null, p, tolerance) -> { weights, iterations, residual, converged, rank }
//   sampleRows(scores: Float64Array, size, seed, replacement) -> { indices, weights, probabilities, expectedSize }
//   lp(A, n, d, b, p, weights | null, method) -> { x, objective, iterations, converged }
//   status(name) -> the status code the C API returns for a named bad call (its validation, from C++)
//   isa() / setIsa(name) / version()
// Failures throw an Error carrying sketchmax_status_string.
#include <napi.h>
#include <sketchmax/sketchmax.h>

#include <string>
#include <vector>

namespace {

void check(Napi::Env env, sketchmax_status_t s) {
  if (s != SKETCHMAX_OK) throw Napi::Error::New(env, std::string("sketchmax: ") + sketchmax_status_string(s));
}

size_t size_arg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "expected a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0) || v > 9007199254740991.0) throw Napi::RangeError::New(info.Env(), "bad size");
  return static_cast<size_t>(v);
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t rows = size_arg(info, 1);
  const auto algorithm = static_cast<sketchmax_softmax_algorithm_t>(size_arg(info, 2));
  const bool log = info[3].ToBoolean();
  Napi::TypedArray t = info[0].As<Napi::TypedArray>();
  const size_t len = t.ElementLength();
  const size_t cols = rows ? len / rows : 0;
  if (t.TypedArrayType() == napi_float32_array) {
    Napi::Float32Array x = t.As<Napi::Float32Array>();
    Napi::Float32Array y = Napi::Float32Array::New(env, len);
    check(env, (log ? sketchmax_log_softmax_f32 : sketchmax_softmax_f32)(x.Data(), y.Data(), rows, cols, algorithm));
    return y;
  }
  Napi::Float64Array x = t.As<Napi::Float64Array>();
  Napi::Float64Array y = Napi::Float64Array::New(env, len);
  check(env, (log ? sketchmax_log_softmax_f64 : sketchmax_softmax_f64)(x.Data(), y.Data(), rows, cols, algorithm));
  return y;
}

Napi::Value Lstsq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array A = info[0].As<Napi::Float64Array>();
  const size_t n = size_arg(info, 1), d = size_arg(info, 2);
  Napi::Float64Array b = info[3].As<Napi::Float64Array>();
  if (A.ElementLength() != n * d || b.ElementLength() != n) throw Napi::RangeError::New(env, "shape mismatch");
  sketchmax_lstsq_options_t o;
  sketchmax_lstsq_options_init(&o);
  o.method = static_cast<sketchmax_lstsq_method_t>(size_arg(info, 4));
  std::vector<double> x(d);
  sketchmax_lstsq_info_t r;
  check(env, sketchmax_lstsq(A.Data(), n, d, b.Data(), &o, x.data(), &r));
  Napi::Float64Array xs = Napi::Float64Array::New(env, d);
  for (size_t j = 0; j < d; ++j) xs[j] = x[j];
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", xs);
  out.Set("rank", static_cast<double>(r.rank));
  out.Set("method", static_cast<double>(r.method));
  out.Set("residualNorm", r.residual_norm);
  return out;
}

const double* optional_doubles(const Napi::Value& v) {
  return v.IsNull() || v.IsUndefined() ? nullptr : v.As<Napi::Float64Array>().Data();
}

Napi::Value Leverage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = size_arg(info, 1), d = size_arg(info, 2);
  Napi::Float64Array tau = Napi::Float64Array::New(env, n);
  size_t rank = 0;
  check(env, sketchmax_leverage_scores(info[0].As<Napi::Float64Array>().Data(), n, d, optional_doubles(info[3]),
                                       static_cast<sketchmax_leverage_method_t>(size_arg(info, 4)), 0, 0, 2,
                                       tau.Data(), &rank));
  Napi::Object out = Napi::Object::New(env);
  out.Set("tau", tau);
  out.Set("rank", static_cast<double>(rank));
  return out;
}

Napi::Value Lewis(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = size_arg(info, 1), d = size_arg(info, 2);
  Napi::Float64Array w = Napi::Float64Array::New(env, n);
  sketchmax_lewis_info_t r;
  check(env, sketchmax_lewis_weights(info[0].As<Napi::Float64Array>().Data(), n, d, optional_doubles(info[3]),
                                     info[4].As<Napi::Number>().DoubleValue(), info[5].As<Napi::Number>().DoubleValue(),
                                     0, 2, w.Data(), &r));
  Napi::Object out = Napi::Object::New(env);
  out.Set("weights", w);
  out.Set("iterations", static_cast<double>(r.iterations));
  out.Set("residual", r.residual);
  out.Set("converged", r.converged != 0);
  out.Set("rank", static_cast<double>(r.rank));
  return out;
}

Napi::Value SampleRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array s = info[0].As<Napi::Float64Array>();
  const size_t n = s.ElementLength();
  std::vector<uint32_t> idx(n);
  std::vector<double> w(n), q(n);
  sketchmax_row_sample_t r;
  check(env, sketchmax_sample_rows(s.Data(), n, size_arg(info, 1), static_cast<uint64_t>(size_arg(info, 2)),
                                   info[3].ToBoolean() ? 1 : 0, idx.data(), w.data(), q.data(), n, &r));
  Napi::Uint32Array indices = Napi::Uint32Array::New(env, r.count);
  Napi::Float64Array weights = Napi::Float64Array::New(env, r.count), probabilities = Napi::Float64Array::New(env, r.count);
  for (size_t k = 0; k < r.count; ++k) indices[k] = idx[k], weights[k] = w[k], probabilities[k] = q[k];
  Napi::Object out = Napi::Object::New(env);
  out.Set("indices", indices);
  out.Set("weights", weights);
  out.Set("probabilities", probabilities);
  out.Set("expectedSize", r.expected_size);
  return out;
}

Napi::Value Lp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = size_arg(info, 1), d = size_arg(info, 2);
  sketchmax_lp_options_t o;
  sketchmax_lp_options_init(&o);
  o.weights = optional_doubles(info[5]);
  o.method = static_cast<sketchmax_lp_method_t>(size_arg(info, 6));
  o.threads = 2;
  Napi::Float64Array x = Napi::Float64Array::New(env, d);
  sketchmax_lp_info_t r;
  check(env, sketchmax_lp_regression(info[0].As<Napi::Float64Array>().Data(), n, d,
                                     info[3].As<Napi::Float64Array>().Data(), info[4].As<Napi::Number>().DoubleValue(),
                                     &o, x.Data(), &r));
  Napi::Object out = Napi::Object::New(env);
  out.Set("x", x);
  out.Set("objective", r.objective);
  out.Set("iterations", static_cast<double>(r.iterations));
  out.Set("converged", r.converged != 0);
  return out;
}

// The C API's answer to a few bad calls, so the JavaScript test sees its validation from C++.
Napi::Value Status(const Napi::CallbackInfo& info) {
  const std::string what = info[0].As<Napi::String>().Utf8Value();
  double x[4] = {1, 2, 3, 4}, y[4];
  sketchmax_status_t s = SKETCHMAX_ERROR_INTERNAL;
  if (what == "null") s = sketchmax_softmax_f64(nullptr, y, 1, 4, SKETCHMAX_SOFTMAX_AUTO);
  if (what == "zero") s = sketchmax_softmax_f64(x, y, 0, 4, SKETCHMAX_SOFTMAX_AUTO);
  if (what == "overflow") s = sketchmax_softmax_f64(x, y, SIZE_MAX / 2, 4, SKETCHMAX_SOFTMAX_AUTO);
  if (what == "enum") s = sketchmax_softmax_f64(x, y, 1, 4, static_cast<sketchmax_softmax_algorithm_t>(42));
  if (what == "lstsq-wide") s = sketchmax_lstsq(x, 2, 2 + 1, x, nullptr, y, nullptr);
  return Napi::Number::New(info.Env(), static_cast<double>(s));
}

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), sketchmax_isa_name(sketchmax_isa())); }

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const sketchmax_isa_t isa = name == "avx512" ? SKETCHMAX_ISA_AVX512 : name == "avx2" ? SKETCHMAX_ISA_AVX2 : SKETCHMAX_ISA_SCALAR;
  return Napi::Number::New(info.Env(), static_cast<double>(sketchmax_set_isa(isa)));
}

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), sketchmax_version()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("lstsq", Napi::Function::New(env, Lstsq));
  exports.Set("leverage", Napi::Function::New(env, Leverage));
  exports.Set("lewis", Napi::Function::New(env, Lewis));
  exports.Set("sampleRows", Napi::Function::New(env, SampleRows));
  exports.Set("lp", Napi::Function::New(env, Lp));
  exports.Set("status", Napi::Function::New(env, Status));
  exports.Set("isa", Napi::Function::New(env, Isa));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("version", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(consumer, Init)
