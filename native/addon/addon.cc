// Addon entry point: per-environment state, and ISA introspection and selection. The public API,
// its validation and its messages live in lib/ (TypeScript); this layer only unpacks arguments.
#include <napi.h>

#include <string>

#include "addon/addon_state.h"
#include "cpu/dispatch.h"

namespace sketchmax {

void register_sampling(Napi::Env env, Napi::Object exports);  // sampling_binding.cc

namespace {

Napi::Value GetIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(addon_state(info.Env()).isa));
}

Napi::Value GetBestIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isa_name(best_isa()));
}

// setIsa(name): selects `name` if this CPU runs it, else the best ISA; returns the ISA in effect.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(env, "sketchmax.setIsa: isa must be a string");
  }
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  Isa isa;
  if (!parse_isa(name.c_str(), &isa) || !isa_supported(isa)) isa = best_isa();
  addon_state(env).isa = isa;
  return Napi::String::New(env, isa_name(isa));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonState());  // deleted by node-addon-api when the environment exits
  exports.Set("isa", Napi::Function::New(env, GetIsa, "isa"));
  exports.Set("bestIsa", Napi::Function::New(env, GetBestIsa, "bestIsa"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  register_softmax(env, exports);
  register_sketch(env, exports);
  register_lstsq(env, exports);
  register_sampling(env, exports);
  return exports;
}

}  // namespace
}  // namespace sketchmax

// NODE_API_MODULE pastes the function name into an identifier, so it needs an unqualified one.
static Napi::Object InitSketchmax(Napi::Env env, Napi::Object exports) {
  return sketchmax::Init(env, exports);
}
NODE_API_MODULE(sketchmax, InitSketchmax)
