// N-API glue for the native least-squares solver (native/linalg/lstsq.h). lib/linalg/lstsq.ts checks
// and resolves every option first; the checks here only keep a bad direct call memory-safe.
//   lstsq(A: Float64Array, n, d, b: Float64Array, method, kind, m, k0, k1, nnz, tolerance,
//         maxIterations, threads[, rowScale]) -> { x, residualNorm, iterations, method, sketchRows, rank, converged }
//   lstsqAsync(...the same 13..., onProgress: Function | null, control: Int32Array(1)[, rowScale]) -> Promise
// rowScale (Float64Array of n, or null; method 'qr' only): min ‖diag(rowScale)·(A·x − b)‖₂.
// method: 0 qr, 1 sketch-and-solve, 2 sketch-precondition; kind as in sketch_binding.cc. The async
// form solves on the libuv pool; control[0] != 0 (set by the caller's AbortSignal) stops it at the
// next LSQR iteration and rejects with an Error whose name is 'AbortError'.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "addon/addon_state.h"
#include "addon/binding_args.h"
#include "linalg/dense.h"
#include "linalg/lstsq.h"

namespace sketchmax {
namespace {

constexpr const char* kFn = "sketchmax.lstsq";

const char* const kMethodNames[] = {"qr", "sketch-and-solve", "sketch-precondition"};

struct LstsqCall {
  const KernelTable* kernels;
  const double* A;
  const double* b;
  size_t n, d;
  LstsqOptions options;
};

// scale_index: where the optional row scale (Float64Array of n, or null) is, if info has it.
LstsqCall unpack(const Napi::CallbackInfo& info, size_t scale_index) {
  Napi::Env env = info.Env();
  LstsqCall c;
  c.n = whole(env, kFn, info[1], "n", kMaxDim);
  c.d = whole(env, kFn, info[2], "d", kMaxDim);
  if (c.d == 0 || c.n < c.d || c.n > SIZE_MAX / c.d) fail(env, kFn, "A must be an n x d matrix with n >= d >= 1");
  c.A = doubles(env, kFn, info[0], "A", c.n * c.d);
  c.b = doubles(env, kFn, info[3], "b", c.n);
  LstsqOptions& o = c.options;
  o.method = static_cast<LstsqMethod>(whole(env, kFn, info[4], "method", 2));
  o.sketch.kind = static_cast<SketchKind>(whole(env, kFn, info[5], "kind", 4));
  o.sketch.rows = whole(env, kFn, info[6], "rows", kMaxDim);
  o.sketch.key[0] = static_cast<uint32_t>(whole(env, kFn, info[7], "k0", 4294967295.0));
  o.sketch.key[1] = static_cast<uint32_t>(whole(env, kFn, info[8], "k1", 4294967295.0));
  o.sketch.nnz_per_column = whole(env, kFn, info[9], "nnzPerColumn", kMaxDim);
  o.tolerance = number(env, kFn, info[10], "tolerance");
  if (!(o.tolerance > 0 && o.tolerance < 1)) fail(env, kFn, "tolerance must be in (0, 1)");
  o.max_iterations = whole(env, kFn, info[11], "maxIterations", 1e9);
  o.threads = static_cast<unsigned>(whole(env, kFn, info[12], "threads", 4096));
  if (o.threads == 0) o.threads = 1;
  if (info.Length() > scale_index && !info[scale_index].IsNull() && !info[scale_index].IsUndefined()) {
    o.row_scale = doubles(env, kFn, info[scale_index], "rowScale", c.n);
    if (o.method != LstsqMethod::kQr) fail(env, kFn, "rowScale needs method 'qr'");
  }
  if (o.method != LstsqMethod::kQr) {
    size_t N = 1;
    while (N < c.n) N *= 2;
    const size_t cap = o.sketch.kind == SketchKind::kSrht ? N : c.n;
    if (o.sketch.rows < c.d || o.sketch.rows > cap) fail(env, kFn, "rows must be in [d, n]");
    if (o.sketch.kind == SketchKind::kSparseSign &&
        (o.sketch.nnz_per_column == 0 || o.sketch.nnz_per_column > o.sketch.rows)) {
      fail(env, kFn, "nnzPerColumn must be in [1, rows]");
    }
  }
  c.kernels = &kernel_table(addon_state(env).isa);
  return c;
}

Napi::Object result_object(Napi::Env env, const std::vector<double>& x, const LstsqInfo& r) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Float64Array xa = Napi::Float64Array::New(env, x.size());
  for (size_t i = 0; i < x.size(); ++i) xa[i] = x[i];
  out.Set("x", xa);
  out.Set("residualNorm", r.residual_norm);
  out.Set("iterations", static_cast<double>(r.iterations));
  out.Set("method", kMethodNames[static_cast<int>(r.method)]);
  out.Set("sketchRows", static_cast<double>(r.sketch_rows));
  out.Set("rank", static_cast<double>(r.rank));
  out.Set("converged", r.converged);
  return out;
}

const char* status_message(LstsqStatus s) {
  return s == kLstsqOutOfMemory ? "sketchmax.lstsq: out of memory for the solver's work space"
                                : "sketchmax.lstsq: aborted";
}

Napi::Value Lstsq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 13 && info.Length() != 14) throw Napi::TypeError::New(env, "sketchmax.lstsq: expected 13 or 14 arguments");
  const LstsqCall c = unpack(info, 13);
  std::vector<double> x(c.d);
  LstsqInfo r;
  const LstsqStatus s = lstsq(*c.kernels, c.A, c.n, c.d, c.b, c.options, x.data(), &r);
  if (s != kLstsqOk) throw Napi::Error::New(env, status_message(s));
  return result_object(env, x, r);
}

struct ProgressUpdate {
  double pass, iteration, estimate;
};

// Solves on the libuv pool. The references keep A, b and the control array alive until the promise
// settles; callers must not transfer or write them meanwhile.
class LstsqWorker : public Napi::AsyncProgressWorker<ProgressUpdate> {
 public:
  LstsqWorker(const Napi::CallbackInfo& info, const LstsqCall& call, const int32_t* stop)
      : Napi::AsyncProgressWorker<ProgressUpdate>(info.Env(), "sketchmax:lstsq"),
        call_(call),
        deferred_(Napi::Promise::Deferred::New(info.Env())),
        a_(Napi::Persistent(info[0].As<Napi::Object>())),
        b_(Napi::Persistent(info[3].As<Napi::Object>())),
        control_(Napi::Persistent(info[14].As<Napi::Object>())),
        stop_(stop),
        x_(call.d) {
    if (info[13].IsFunction()) on_progress_ = Napi::Persistent(info[13].As<Napi::Function>());
    if (call.options.row_scale) scale_ = Napi::Persistent(info[15].As<Napi::Object>());
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    progress_ = &progress;
    LstsqProgress hook;
    hook.fn = &LstsqWorker::on_iteration;
    hook.ctx = this;
    status_ = lstsq(*call_.kernels, call_.A, call_.n, call_.d, call_.b, call_.options, x_.data(), &info_, hook);
    if (status_ == kLstsqOk && stopped()) status_ = kLstsqCancelled;
  }

  void OnProgress(const ProgressUpdate* data, size_t count) override {
    if (on_progress_.IsEmpty() || data == nullptr || count == 0) return;
    Napi::Env env = Env();
    Napi::Object p = Napi::Object::New(env);
    p.Set("pass", data->pass);
    p.Set("iteration", data->iteration);
    p.Set("estimate", data->estimate);
    on_progress_.Call({p});
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (status_ == kLstsqOk) {
      deferred_.Resolve(result_object(env, x_, info_));
      return;
    }
    deferred_.Reject(call_error(env, status_message(status_), status_ == kLstsqCancelled));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  bool stopped() const { return stop_requested(stop_); }

  static bool on_iteration(void* ctx, size_t pass, size_t iteration, double estimate) {
    auto* self = static_cast<LstsqWorker*>(ctx);
    const ProgressUpdate u{static_cast<double>(pass), static_cast<double>(iteration), estimate};
    self->progress_->Send(&u, 1);
    return !self->stopped();
  }

  LstsqCall call_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference a_, b_, control_, scale_;
  Napi::FunctionReference on_progress_;
  const int32_t* stop_;
  const ExecutionProgress* progress_ = nullptr;
  std::vector<double> x_;
  LstsqInfo info_;
  LstsqStatus status_ = kLstsqOk;
};

Napi::Value LstsqAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 15 && info.Length() != 16) throw Napi::TypeError::New(env, "sketchmax.lstsqAsync: expected 15 or 16 arguments");
  const LstsqCall c = unpack(info, 15);
  if (!info[13].IsNull() && !info[13].IsFunction()) {
    throw Napi::TypeError::New(env, "sketchmax.lstsqAsync: onProgress must be a function or null");
  }
  const int32_t* stop = control_flag(env, "sketchmax.lstsqAsync", info[14]);
  auto* worker = new LstsqWorker(info, c, stop);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// firstNonFinite(a: Float64Array, threads) -> index of the first NaN or ±inf, or -1.
Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "sketchmax.lstsq: firstNonFinite(a: Float64Array, threads)");
  }
  Napi::Float64Array a = info[0].As<Napi::Float64Array>();
  const unsigned threads = static_cast<unsigned>(whole(env, kFn, info[1], "threads", 4096));
  const size_t i = first_non_finite(a.Data(), a.ElementLength(), threads == 0 ? 1 : threads);
  return Napi::Number::New(env, i == a.ElementLength() ? -1.0 : static_cast<double>(i));
}

}  // namespace

void register_lstsq(Napi::Env env, Napi::Object exports) {
  exports.Set("lstsq", Napi::Function::New(env, Lstsq, "lstsq"));
  exports.Set("lstsqAsync", Napi::Function::New(env, LstsqAsync, "lstsqAsync"));
  exports.Set("firstNonFinite", Napi::Function::New(env, FirstNonFinite, "firstNonFinite"));
}

}  // namespace sketchmax
