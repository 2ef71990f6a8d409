// N-API glue for the sketch kernels. The TypeScript layer (lib/sketch/sketch.ts) validates every
// argument first; the checks here only keep a bad direct call from reading or writing out of bounds.
//   sketchAccumulate(A: Float64Array, n, d, b: Float64Array | null, kind, m, k0, k1, nnz, row0,
//                    out: Float64Array, threads) -> undefined
// adds S[:, row0 : row0 + n]·[A | b] to out (m x (d + (b ? 1 : 0)), row-major). kind: 0 gaussian,
// 1 rademacher, 2 srht, 3 countsketch, 4 sparse-sign; (k0, k1) the Philox key.
//   sketchAccumulateAsync(...the same...) -> Promise<undefined>: the same on the libuv pool.
//   sketchApply(A, n, d, b, kind, m, k0, k1, nnz) -> Float64Array: S·[A | b] in a new array.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "addon/addon_state.h"
#include "addon/binding_args.h"
#include "cpu/parallel.h"
#include "sketch/sketch.h"

namespace sketchmax {
namespace {

constexpr const char* kFn = "sketchmax.sketch";

struct SketchCall {
  const double* A;
  size_t n, d;
  const double* b;
  SketchSpec spec;
  size_t k;  // output columns
};

// Arguments 0..8 (A, n, d, b, kind, m, k0, k1, nnz), checked for consistency.
SketchCall unpack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SketchCall c;
  c.n = whole(env, kFn, info[1], "n", kMaxDim);
  c.d = whole(env, kFn, info[2], "d", kMaxDim);
  if (c.n == 0 || c.d == 0 || c.n > SIZE_MAX / c.d) fail(env, kFn, "A must be a non-empty n x d matrix");
  c.A = doubles(env, kFn, info[0], "A", c.n * c.d);
  c.b = info[3].IsNull() ? nullptr : doubles(env, kFn, info[3], "b", c.n);
  c.spec.kind = static_cast<SketchKind>(whole(env, kFn, info[4], "kind", 4));
  c.spec.rows = whole(env, kFn, info[5], "rows", kMaxDim);
  c.spec.key[0] = static_cast<uint32_t>(whole(env, kFn, info[6], "k0", 4294967295.0));
  c.spec.key[1] = static_cast<uint32_t>(whole(env, kFn, info[7], "k1", 4294967295.0));
  c.spec.nnz_per_column = whole(env, kFn, info[8], "nnzPerColumn", kMaxDim);
  c.k = c.d + (c.b ? 1 : 0);
  if (c.spec.rows == 0 || c.spec.rows > SIZE_MAX / c.k) fail(env, kFn, "rows must be positive");
  if (c.spec.kind == SketchKind::kSparseSign && (c.spec.nnz_per_column == 0 || c.spec.nnz_per_column > c.spec.rows)) {
    fail(env, kFn, "nnzPerColumn must be in [1, rows]");
  }
  if (c.spec.kind == SketchKind::kSrht) {
    size_t N = 1;
    while (N < c.n) N *= 2;
    if (c.spec.rows > N) fail(env, kFn, "rows must not exceed n padded to a power of two for srht");
  }
  return c;
}

[[noreturn]] void out_of_memory(Napi::Env env) {
  throw Napi::Error::New(env, "sketchmax.sketch: out of memory for the sketch's work space");
}

Napi::Value SketchApply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 9) throw Napi::TypeError::New(env, "sketchmax.sketch: expected 9 arguments");
  const SketchCall c = unpack(info);
  Napi::Float64Array out = Napi::Float64Array::New(env, c.spec.rows * c.k);
  if (!sketch_apply(kernel_table(addon_state(env).isa), c.spec, c.A, c.n, c.d, c.b, out.Data(), default_threads())) {
    out_of_memory(env);
  }
  return out;
}

// The 12 arguments of sketchAccumulate(Async): those of unpack, then row0, out and threads.
struct AccumulateCall {
  SketchCall c;
  size_t row0;
  double* out;
  unsigned threads;
};

AccumulateCall unpack_accumulate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 12) throw Napi::TypeError::New(env, "sketchmax.sketch: expected 12 arguments");
  AccumulateCall a{unpack(info), 0, nullptr, 1};
  a.row0 = whole(env, kFn, info[9], "row0", kMaxDim);
  if (a.c.spec.kind == SketchKind::kSrht && a.row0 != 0) fail(env, kFn, "srht needs the whole matrix (row0 = 0)");
  a.out = doubles(env, kFn, info[10], "out", a.c.spec.rows * a.c.k);
  a.threads = std::max(1u, static_cast<unsigned>(whole(env, kFn, info[11], "threads", 4096)));
  return a;
}

Napi::Value SketchAccumulate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AccumulateCall a = unpack_accumulate(info);
  const SketchCall& c = a.c;
  if (!sketch_accumulate(kernel_table(addon_state(env).isa), c.spec, c.A, c.n, c.d, c.b, a.row0, a.out, a.threads)) {
    out_of_memory(env);
  }
  return env.Undefined();
}

// sketchAccumulateAsync(...the same 12 arguments...) -> Promise<undefined>: on the libuv pool. The
// references keep A, b and out alive until the promise settles.
class SketchWorker : public Napi::AsyncWorker {
 public:
  SketchWorker(const Napi::CallbackInfo& info, const SketchCall& call, size_t row0, double* out, unsigned threads)
      : Napi::AsyncWorker(info.Env(), "sketchmax:sketch"),
        call_(call),
        row0_(row0),
        out_(out),
        threads_(threads),
        kernels_(&kernel_table(addon_state(info.Env()).isa)),
        deferred_(Napi::Promise::Deferred::New(info.Env())),
        a_(Napi::Persistent(info[0].As<Napi::Object>())),
        o_(Napi::Persistent(info[10].As<Napi::Object>())) {
    if (!info[3].IsNull()) b_ = Napi::Persistent(info[3].As<Napi::Object>());
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!sketch_accumulate(*kernels_, call_.spec, call_.A, call_.n, call_.d, call_.b, row0_, out_, threads_)) {
      SetError("sketchmax.sketch: out of memory for the sketch's work space");
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  SketchCall call_;
  size_t row0_;
  double* out_;
  unsigned threads_;
  const KernelTable* kernels_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference a_, b_, o_;
};

Napi::Value SketchAccumulateAsync(const Napi::CallbackInfo& info) {
  const AccumulateCall a = unpack_accumulate(info);
  auto* worker = new SketchWorker(info, a.c, a.row0, a.out, a.threads);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace

void register_sketch(Napi::Env env, Napi::Object exports) {
  exports.Set("sketchApply", Napi::Function::New(env, SketchApply, "sketchApply"));
  exports.Set("sketchAccumulate", Napi::Function::New(env, SketchAccumulate, "sketchAccumulate"));
  exports.Set("sketchAccumulateAsync", Napi::Function::New(env, SketchAccumulateAsync, "sketchAccumulateAsync"));
}

}  // namespace sketchmax
