// The C API header compiled as C++17 with -Wall -Wextra -Werror -pedantic (CMakeLists.txt), used the
// way a C++ caller would: through extern "C" names, with C++ types around them.
#include <sketchmax/sketchmax.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main() {
  static_assert(SKETCHMAX_VERSION == SKETCHMAX_VERSION_MAJOR * 10000 + SKETCHMAX_VERSION_MINOR * 100 + SKETCHMAX_VERSION_PATCH,
                "version macro");
  std::vector<double> x{1.0, 2.0, 3.0}, y(3);
  const sketchmax_status_t s = sketchmax_softmax_f64(x.data(), y.data(), 1, x.size(), SKETCHMAX_SOFTMAX_AUTO);
  const bool ok = s == SKETCHMAX_OK && std::strcmp(sketchmax_version(), SKETCHMAX_VERSION_STRING) == 0 &&
                  y[2] > y[1] && y[1] > y[0] && sketchmax_status_string(s) != nullptr;
  std::printf("C++17 caller: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
