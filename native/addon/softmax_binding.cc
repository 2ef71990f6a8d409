// N-API glue for softmax / log-softmax: unpack and re-check the arguments (the TS layer has already
// validated them; this check makes out-of-bounds access impossible even if it were bypassed), then
// run the kernels on the calling thread or in an AsyncWorker that pins both arrays.
//   softmax(x, out, rows, algorithm, log) -> out
//   softmaxAsync(x, out, rows, algorithm, log) -> Promise<out>
// x, out: Float32Array or Float64Array of the same type and length; out may be x itself.
// algorithm: 0 = three-pass reload, 1 = three-pass recompute, 2 = two-pass, 3 = auto.
//   benchFloorPass(x, out) -> undefined: one streaming read of x (row max) and one out-of-place pass
//   out = c * x with ordinary stores, the memory traffic of two-pass itself (the bench's floor).
#include <napi.h>

#include <cmath>
#include <cstdint>

#include "addon/addon_state.h"
#include "softmax/softmax.h"

namespace sketchmax {
namespace {

struct SoftmaxCall {
  napi_typedarray_type type;
  void* x;
  void* y;
  size_t rows;
  size_t cols;
  SoftmaxAlgorithm algorithm;
  bool log;
  const KernelTable* kernels;

  void run() const {
    if (type == napi_float32_array) {
      softmax_rows(*kernels, algorithm, log, static_cast<const float*>(x), static_cast<float*>(y),
                   rows, cols);
    } else {
      softmax_rows(*kernels, algorithm, log, static_cast<const double*>(x),
                   static_cast<double*>(y), rows, cols);
    }
  }
};

Napi::TypedArray float_array(Napi::Env env, const Napi::Value& v, const char* name) {
  if (!v.IsTypedArray()) {
    throw Napi::TypeError::New(env, std::string("sketchmax.softmax: ") + name +
                                        " must be a Float32Array or Float64Array");
  }
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (a.TypedArrayType() != napi_float32_array && a.TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, std::string("sketchmax.softmax: ") + name +
                                        " must be a Float32Array or Float64Array");
  }
  return a;
}

// The first element's address (offset included); works for ArrayBuffer and SharedArrayBuffer.
uint8_t* data_pointer(Napi::Env env, Napi::TypedArray a) {
  void* data = nullptr;
  napi_status status = napi_get_typedarray_info(env, a, nullptr, nullptr, &data, nullptr, nullptr);
  NAPI_THROW_IF_FAILED(env, status, nullptr);
  return static_cast<uint8_t*>(data);
}

SoftmaxCall unpack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 5) throw Napi::TypeError::New(env, "sketchmax.softmax: expected 5 arguments");
  Napi::TypedArray x = float_array(env, info[0], "x");
  Napi::TypedArray y = float_array(env, info[1], "out");
  if (x.TypedArrayType() != y.TypedArrayType()) {
    throw Napi::TypeError::New(env, "sketchmax.softmax: out must have the same type as x");
  }
  const size_t n = x.ElementLength();
  if (n == 0) throw Napi::RangeError::New(env, "sketchmax.softmax: x must not be empty or detached");
  if (y.ElementLength() != n) throw Napi::RangeError::New(env, "sketchmax.softmax: out must have x's length");
  if (!info[2].IsNumber()) throw Napi::TypeError::New(env, "sketchmax.softmax: rows must be a number");
  const double rows = info[2].As<Napi::Number>().DoubleValue();
  // Range first: the cast below is only defined for values that fit.
  if (!(rows >= 1) || rows > static_cast<double>(n) ||
      rows != static_cast<double>(static_cast<uint64_t>(rows)) || n % static_cast<uint64_t>(rows) != 0) {
    throw Napi::RangeError::New(env, "sketchmax.softmax: rows must be a positive integer dividing x.length");
  }
  if (!info[3].IsNumber()) throw Napi::TypeError::New(env, "sketchmax.softmax: algorithm must be a number");
  const int32_t algorithm = info[3].As<Napi::Number>().Int32Value();
  if (algorithm < 0 || algorithm > 3) throw Napi::RangeError::New(env, "sketchmax.softmax: unknown algorithm");
  if (!info[4].IsBoolean()) throw Napi::TypeError::New(env, "sketchmax.softmax: log must be a boolean");

  const size_t bytes = n * x.ElementSize();
  uint8_t* xp = data_pointer(env, x);
  uint8_t* yp = data_pointer(env, y);
  if (xp != yp && xp < yp + bytes && yp < xp + bytes) {
    throw Napi::RangeError::New(env, "sketchmax.softmax: out overlaps x without being x itself");
  }
  SoftmaxCall call;
  call.type = x.TypedArrayType();
  call.x = xp;
  call.y = yp;
  call.rows = static_cast<size_t>(rows);
  call.cols = n / call.rows;
  call.algorithm = static_cast<SoftmaxAlgorithm>(algorithm);
  call.log = info[4].As<Napi::Boolean>().Value();
  call.kernels = &kernel_table(addon_state(env).isa);
  return call;
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  unpack(info).run();
  return info[1];
}

// Runs the kernels on the libuv pool. The Persistent references keep both arrays (and so their
// buffers) alive until the promise settles; callers must not transfer them meanwhile.
class SoftmaxWorker : public Napi::AsyncWorker {
 public:
  SoftmaxWorker(Napi::Env env, const SoftmaxCall& call, Napi::TypedArray x, Napi::TypedArray y)
      : Napi::AsyncWorker(env, "sketchmax:softmax"),
        call_(call),
        deferred_(Napi::Promise::Deferred::New(env)),
        x_(Napi::Persistent(x)),
        y_(Napi::Persistent(y)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override { call_.run(); }
  void OnOK() override { deferred_.Resolve(y_.Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  SoftmaxCall call_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::TypedArray> x_;
  Napi::Reference<Napi::TypedArray> y_;
};

Napi::Value SoftmaxAsync(const Napi::CallbackInfo& info) {
  const SoftmaxCall call = unpack(info);
  auto* worker = new SoftmaxWorker(info.Env(), call, info[0].As<Napi::TypedArray>(),
                                   info[1].As<Napi::TypedArray>());
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Value BenchFloorPass(const Napi::CallbackInfo& info) {
  const SoftmaxCall call = unpack(info);
  const size_t n = call.rows * call.cols;
  if (call.type == napi_float32_array) {
    const auto& k = call.kernels->softmax_f32;
    const float m = k.rmax(n, static_cast<const float*>(call.x));
    k.vscale(n, static_cast<const float*>(call.x), m == m ? 0.5f : 1.0f, static_cast<float*>(call.y));
  } else {
    const auto& k = call.kernels->softmax_f64;
    const double m = k.rmax(n, static_cast<const double*>(call.x));
    k.vscale(n, static_cast<const double*>(call.x), m == m ? 0.5 : 1.0, static_cast<double*>(call.y));
  }
  return info.Env().Undefined();
}

// softmaxTwoPassMinBytes() -> number: the row size (input + output bytes) from which 'auto' runs
// two-pass on the ISA in effect; Infinity when it never does.
Napi::Value SoftmaxTwoPassMinBytes(const Napi::CallbackInfo& info) {
  const size_t b = softmax_two_pass_min_bytes(addon_state(info.Env()).isa);
  const double v = b == static_cast<size_t>(-1) ? INFINITY : static_cast<double>(b);
  return Napi::Number::New(info.Env(), v);
}

}  // namespace

void register_softmax(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxAsync", Napi::Function::New(env, SoftmaxAsync, "softmaxAsync"));
  exports.Set("benchFloorPass", Napi::Function::New(env, BenchFloorPass, "benchFloorPass"));
  exports.Set("softmaxTwoPassMinBytes",
              Napi::Function::New(env, SoftmaxTwoPassMinBytes, "softmaxTwoPassMinBytes"));
}

}  // namespace sketchmax
