// Argument checks shared by the N-API glue (lib/ has validated everything already; these keep a bad
// direct call memory-safe). Every message reads "<fn>: <argument> <what is wrong>", fn e.g.
// "sketchmax.lstsq".
#ifndef SKETCHMAX_ADDON_BINDING_ARGS_H_
#define SKETCHMAX_ADDON_BINDING_ARGS_H_

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sketchmax {

// The largest size a JS number carries exactly (Number.MAX_SAFE_INTEGER): the bound of every n, d, m.
constexpr double kMaxDim = 9007199254740991.0;

[[noreturn]] inline void fail(Napi::Env env, const char* fn, const std::string& what) {
  throw Napi::RangeError::New(env, std::string(fn) + ": " + what);
}

inline double number(Napi::Env env, const char* fn, const Napi::Value& v, const char* name) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(fn) + ": " + name + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

// A whole number in [0, max].
inline size_t whole(Napi::Env env, const char* fn, const Napi::Value& v, const char* name, double max) {
  const double x = number(env, fn, v, name);
  if (!(x >= 0) || x > max || x != std::floor(x)) fail(env, fn, std::string(name) + " out of range");
  return static_cast<size_t>(x);
}

// The data of a Float64Array of exactly `length` elements.
inline double* doubles(Napi::Env env, const char* fn, const Napi::Value& v, const char* name, size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, std::string(fn) + ": " + name + " must be a Float64Array");
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != length) fail(env, fn, std::string(name) + " has the wrong length");
  return a.Data();
}

// The async forms' stop flag: element 0 of an Int32Array the caller sets (Atomics.store) when its
// AbortSignal fires; the pool thread reads it between steps.
inline const int32_t* control_flag(Napi::Env env, const char* fn, const Napi::Value& v) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      v.As<Napi::Int32Array>().ElementLength() < 1) {
    throw Napi::TypeError::New(env, std::string(fn) + ": control must be an Int32Array of length >= 1");
  }
  return v.As<Napi::Int32Array>().Data();
}

inline bool stop_requested(const int32_t* flag) { return __atomic_load_n(flag, __ATOMIC_RELAXED) != 0; }

// The rejection of an async call that failed or (aborted) stopped at its flag: an Error named
// 'AbortError' in the second case, which lib/ replaces with the signal's reason.
inline Napi::Value call_error(Napi::Env env, const char* message, bool aborted) {
  Napi::Error e = Napi::Error::New(env, message);
  if (aborted) e.Set("name", "AbortError");
  return e.Value();
}

}  // namespace sketchmax

#endif  // SKETCHMAX_ADDON_BINDING_ARGS_H_
