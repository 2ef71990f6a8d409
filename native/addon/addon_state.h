// Per-environment addon state (one per main thread or worker_thread), kept in Env instance data.
#ifndef SKETCHMAX_ADDON_ADDON_STATE_H_
#define SKETCHMAX_ADDON_ADDON_STATE_H_

#include <napi.h>

#include "cpu/dispatch.h"

namespace sketchmax {

struct AddonState {
  Isa isa = best_isa();  // the ISA whose kernels this environment calls
};

inline AddonState& addon_state(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

void register_softmax(Napi::Env env, Napi::Object exports);
void register_sketch(Napi::Env env, Napi::Object exports);
void register_lstsq(Napi::Env env, Napi::Object exports);

}  // namespace sketchmax

#endif  // SKETCHMAX_ADDON_ADDON_STATE_H_
