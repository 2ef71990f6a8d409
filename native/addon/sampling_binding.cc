// N-API glue for the leverage-score and Lewis-weight drivers (native/sampling/leverage.h, lewis.h).
// lib/sampling/ checks every argument first; the checks here only keep a bad direct call memory-safe.
//   leverageScores(A: Float64Array, n, d, scale: Float64Array | null, method, k0, k1, sketchRows,
//                  jlColumns, nnzPerColumn, threads[, b: Float64Array | null]) -> { tau: Float64Array(n), rank }
//   leverageScoresAsync(...the same...) -> Promise<{ tau, rank }>: the same on the libuv pool.
// method: 0 exact, 1 approximate; (k0, k1) the Philox key of the approximate method's sketch; with b
// (exact only) the scores of diag(scale)·[A | b].
//   lewisWeights(A, n, d, b: Float64Array | null, p, tolerance, maxIterations, threads)
//     -> { weights: Float64Array(n), iterations, residual, converged, rank }
//   lewisWeightsAsync(...the same 8..., control: Int32Array(1)) -> Promise<the same>: on the libuv
//     pool; control[0] != 0 (set by the caller's AbortSignal) stops it before the next leverage
//     computation and rejects with an Error whose name is 'AbortError'.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "addon/addon_state.h"
#include "addon/binding_args.h"
#include "sampling/leverage.h"
#include "sampling/lewis.h"

namespace sketchmax {
namespace {

constexpr const char* kFn = "sketchmax.leverageScores";

constexpr size_t kArgs = 11;  // and an optional b
const char* const kOutOfMemory = "sketchmax.leverageScores: out of memory for the work space";

// The unpacked arguments and the result array (allocated on the JS heap before the computation, so
// the async form writes into it and a failed allocation is a JS exception).
struct LeverageCall {
  const KernelTable* kernels;
  const double* A;
  const double* scale;
  const double* b;
  size_t n, d;
  LeverageOptions options;
  Napi::Float64Array tau;  // valid in the calling scope only
  double* tau_data;        // for the pool thread
};

LeverageCall unpack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != kArgs && info.Length() != kArgs + 1) {
    throw Napi::TypeError::New(env, "sketchmax.leverageScores: expected 11 or 12 arguments");
  }
  LeverageCall c;
  c.n = whole(env, kFn, info[1], "n", kMaxDim);
  c.d = whole(env, kFn, info[2], "d", kMaxDim);
  if (c.n < c.d || (c.d > 0 && c.n > SIZE_MAX / c.d)) fail(env, kFn, "A must be an n x d matrix with n >= d");
  c.A = doubles(env, kFn, info[0], "A", c.n * c.d);
  c.scale = info[3].IsNull() ? nullptr : doubles(env, kFn, info[3], "scale", c.n);
  LeverageOptions& o = c.options;
  o.method = static_cast<LeverageMethod>(whole(env, kFn, info[4], "method", 1));
  o.key[0] = static_cast<uint32_t>(whole(env, kFn, info[5], "k0", 4294967295.0));
  o.key[1] = static_cast<uint32_t>(whole(env, kFn, info[6], "k1", 4294967295.0));
  o.sketch_rows = whole(env, kFn, info[7], "sketchRows", kMaxDim);
  o.jl_columns = whole(env, kFn, info[8], "jlColumns", kMaxDim);
  o.nnz_per_column = whole(env, kFn, info[9], "nnzPerColumn", kMaxDim);
  o.threads = std::max(1u, static_cast<unsigned>(whole(env, kFn, info[10], "threads", 4096)));
  const bool has_b = info.Length() > kArgs && !info[kArgs].IsNull() && !info[kArgs].IsUndefined();
  c.b = has_b ? doubles(env, kFn, info[kArgs], "b", c.n) : nullptr;
  if (c.b && (o.method != LeverageMethod::kExact || c.n <= c.d)) fail(env, kFn, "b needs the exact method and n > d");
  if (o.method == LeverageMethod::kApproximate && o.sketch_rows < c.n) {
    if (o.sketch_rows < c.d || o.sketch_rows == 0) fail(env, kFn, "sketchRows must be >= d");
    if (o.nnz_per_column == 0 || o.nnz_per_column > o.sketch_rows) fail(env, kFn, "nnzPerColumn must be in [1, sketchRows]");
  }
  c.kernels = &kernel_table(addon_state(env).isa);
  c.tau = Napi::Float64Array::New(env, c.n);
  c.tau_data = c.tau.Data();
  return c;
}

// Runs the driver; false when it ran out of memory.
bool compute(const LeverageCall& c, size_t* rank) {
  return leverage_scores(*c.kernels, c.A, c.b, c.n, c.d, c.scale, c.options, c.tau_data, rank) == kLeverageOk;
}

Napi::Object result_object(Napi::Env env, Napi::Float64Array tau, size_t rank) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("tau", tau);
  out.Set("rank", static_cast<double>(rank));
  return out;
}

Napi::Value LeverageScores(const Napi::CallbackInfo& info) {
  const LeverageCall c = unpack(info);
  size_t rank = 0;
  if (!compute(c, &rank)) throw Napi::Error::New(info.Env(), kOutOfMemory);
  return result_object(info.Env(), c.tau, rank);
}

// On the libuv pool. The references keep A, scale, b and tau alive until the promise settles; callers
// must not transfer or write A, scale or b meanwhile.
class LeverageWorker : public Napi::AsyncWorker {
 public:
  LeverageWorker(const Napi::CallbackInfo& info, const LeverageCall& call)
      : Napi::AsyncWorker(info.Env(), "sketchmax:leverageScores"),
        call_(call),
        deferred_(Napi::Promise::Deferred::New(info.Env())),
        a_(Napi::Persistent(info[0].As<Napi::Object>())),
        tau_(Napi::Persistent(call.tau)) {
    if (!info[3].IsNull()) scale_ = Napi::Persistent(info[3].As<Napi::Object>());
    if (call.b) b_ = Napi::Persistent(info[kArgs].As<Napi::Object>());
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!compute(call_, &rank_)) SetError(kOutOfMemory);
  }
  void OnOK() override { deferred_.Resolve(result_object(Env(), tau_.Value(), rank_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  LeverageCall call_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference a_, scale_, b_;
  Napi::Reference<Napi::Float64Array> tau_;
  size_t rank_ = 0;
};

Napi::Value LeverageScoresAsync(const Napi::CallbackInfo& info) {
  auto* worker = new LeverageWorker(info, unpack(info));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// ---------- Lewis weights ----------

constexpr const char* kLewisFn = "sketchmax.lewisWeights";
constexpr size_t kLewisArgs = 8;  // and the async form's control array

struct LewisCall {
  const KernelTable* kernels;
  const double* A;
  const double* b;
  size_t n, d;
  LewisOptions options;
  Napi::Float64Array w;  // valid in the calling scope only
  double* w_data;        // for the pool thread
};

LewisCall unpack_lewis(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LewisCall c;
  c.n = whole(env, kLewisFn, info[1], "n", kMaxDim);
  c.d = whole(env, kLewisFn, info[2], "d", kMaxDim);
  c.b = info[3].IsNull() ? nullptr : doubles(env, kLewisFn, info[3], "b", c.n);
  const size_t cols = c.b ? c.d + 1 : c.d;
  if (c.n < cols || (c.d > 0 && c.n > SIZE_MAX / c.d)) fail(env, kLewisFn, "A must be an n x d matrix with n >= d (d + 1 with b)");
  c.A = doubles(env, kLewisFn, info[0], "A", c.n * c.d);
  LewisOptions& o = c.options;
  o.p = number(env, kLewisFn, info[4], "p");
  if (!(o.p >= 1 && std::isfinite(o.p))) fail(env, kLewisFn, "p must be finite and >= 1");
  o.tolerance = number(env, kLewisFn, info[5], "tolerance");
  if (!(o.tolerance > 0 && std::isfinite(o.tolerance))) fail(env, kLewisFn, "tolerance must be positive and finite");
  o.max_iterations = whole(env, kLewisFn, info[6], "maxIterations", kMaxDim);
  o.threads = std::max(1u, static_cast<unsigned>(whole(env, kLewisFn, info[7], "threads", 4096)));
  c.kernels = &kernel_table(addon_state(env).isa);
  c.w = Napi::Float64Array::New(env, c.n);
  c.w_data = c.w.Data();
  return c;
}

const char* lewis_message(LewisStatus s) {
  return s == kLewisCancelled ? "sketchmax.lewisWeights: aborted" : "sketchmax.lewisWeights: out of memory for the work space";
}

Napi::Object lewis_object(Napi::Env env, Napi::Float64Array w, const LewisResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("weights", w);
  out.Set("iterations", static_cast<double>(r.iterations));
  out.Set("residual", r.residual);
  out.Set("converged", r.converged);
  out.Set("rank", static_cast<double>(r.rank));
  return out;
}

Napi::Value LewisWeights(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != kLewisArgs) throw Napi::TypeError::New(env, "sketchmax.lewisWeights: expected 8 arguments");
  const LewisCall c = unpack_lewis(info);
  LewisResult r;
  const LewisStatus s = lewis_weights(*c.kernels, c.A, c.b, c.n, c.d, c.options, c.w_data, &r);
  if (s != kLewisOk) throw Napi::Error::New(env, lewis_message(s));
  return lewis_object(env, c.w, r);
}

// On the libuv pool. The references keep A, b, w and the control array alive until the promise
// settles; callers must not transfer or write A or b meanwhile.
class LewisWorker : public Napi::AsyncWorker {
 public:
  LewisWorker(const Napi::CallbackInfo& info, const LewisCall& call, const int32_t* stop)
      : Napi::AsyncWorker(info.Env(), "sketchmax:lewisWeights"),
        call_(call),
        deferred_(Napi::Promise::Deferred::New(info.Env())),
        a_(Napi::Persistent(info[0].As<Napi::Object>())),
        control_(Napi::Persistent(info[kLewisArgs].As<Napi::Object>())),
        w_(Napi::Persistent(call.w)),
        stop_(stop) {
    if (call.b) b_ = Napi::Persistent(info[3].As<Napi::Object>());
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    LewisHook hook;
    hook.keep_going = [](void* ctx) { return !stop_requested(static_cast<const int32_t*>(ctx)); };
    hook.ctx = const_cast<int32_t*>(stop_);
    status_ = lewis_weights(*call_.kernels, call_.A, call_.b, call_.n, call_.d, call_.options, call_.w_data, &result_, hook);
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (status_ == kLewisOk) {
      deferred_.Resolve(lewis_object(env, w_.Value(), result_));
      return;
    }
    deferred_.Reject(call_error(env, lewis_message(status_), status_ == kLewisCancelled));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  LewisCall call_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference a_, b_, control_;
  Napi::Reference<Napi::Float64Array> w_;
  const int32_t* stop_;
  LewisResult result_;
  LewisStatus status_ = kLewisOk;
};

Napi::Value LewisWeightsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != kLewisArgs + 1) throw Napi::TypeError::New(env, "sketchmax.lewisWeightsAsync: expected 9 arguments");
  const int32_t* stop = control_flag(env, "sketchmax.lewisWeightsAsync", info[kLewisArgs]);
  auto* worker = new LewisWorker(info, unpack_lewis(info), stop);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace

void register_sampling(Napi::Env env, Napi::Object exports) {
  exports.Set("leverageScores", Napi::Function::New(env, LeverageScores, "leverageScores"));
  exports.Set("leverageScoresAsync", Napi::Function::New(env, LeverageScoresAsync, "leverageScoresAsync"));
  exports.Set("lewisWeights", Napi::Function::New(env, LewisWeights, "lewisWeights"));
  exports.Set("lewisWeightsAsync", Napi::Function::New(env, LewisWeightsAsync, "lewisWeightsAsync"));
}

}  // namespace sketchmax
