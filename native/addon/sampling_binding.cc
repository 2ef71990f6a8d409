// N-API glue for the leverage-score driver (native/sampling/leverage.h). lib/sampling/ checks every
// argument first; the checks here only keep a bad direct call memory-safe.
//   leverageScores(A: Float64Array, n, d, scale: Float64Array | null, method, k0, k1, sketchRows,
//                  jlColumns, nnzPerColumn, threads[, b: Float64Array | null]) -> { tau: Float64Array(n), rank }
//   leverageScoresAsync(...the same...) -> Promise<{ tau, rank }>: the same on the libuv pool.
// method: 0 exact, 1 approximate; (k0, k1) the Philox key of the approximate method's sketch; with b
// (exact only) the scores of diag(scale)·[A | b].
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "addon/addon_state.h"
#include "addon/binding_args.h"
#include "sampling/leverage.h"

namespace sketchmax {
namespace {

constexpr const char* kFn = "sketchmax.leverageScores";

constexpr double kMaxDim = 9007199254740991.0;
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

}  // namespace

void register_sampling(Napi::Env env, Napi::Object exports) {
  exports.Set("leverageScores", Napi::Function::New(env, LeverageScores, "leverageScores"));
  exports.Set("leverageScoresAsync", Napi::Function::New(env, LeverageScoresAsync, "leverageScoresAsync"));
}

}  // namespace sketchmax
