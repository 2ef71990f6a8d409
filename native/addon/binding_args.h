// Argument checks shared by the N-API glue (lib/ has validated everything already; these keep a bad
// direct call memory-safe). Every message reads "<fn>: <argument> <what is wrong>", fn e.g.
// "sketchmax.lstsq".
#ifndef SKETCHMAX_ADDON_BINDING_ARGS_H_
#define SKETCHMAX_ADDON_BINDING_ARGS_H_

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <string>

namespace sketchmax {

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

}  // namespace sketchmax

#endif  // SKETCHMAX_ADDON_BINDING_ARGS_H_
