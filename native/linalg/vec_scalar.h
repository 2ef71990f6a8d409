// Scalar "vector" of one double for the generic dense kernels (dense_kernels_impl.h). fmadd is a
// multiply then an add (this unit has no -mfma; std::fma would call libm's software fallback).
#ifndef SKETCHMAX_LINALG_VEC_SCALAR_H_
#define SKETCHMAX_LINALG_VEC_SCALAR_H_

#include <cstddef>

namespace sketchmax {
namespace {

struct VecScalar {
  using V = double;
  using M = bool;
  static constexpr size_t kLanes = 1;
  static M tail(size_t) { return true; }
  static V load(const double* p) { return *p; }
  static V maskz_load(M, const double* p) { return *p; }
  static void store(double* p, V v) { *p = v; }
  static void mask_store(double* p, M, V v) { *p = v; }
  static V set1(double v) { return v; }
  static V zero() { return 0.0; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static double hsum(V v) { return v; }
};

}  // namespace
}  // namespace sketchmax

#endif  // SKETCHMAX_LINALG_VEC_SCALAR_H_
