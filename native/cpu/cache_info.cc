// Reads cache sizes once. sysfs is preferred: in virtual machines cpuid (and so sysconf) often
// reports the whole socket's L3, while sysfs says how many CPUs of this machine share it.
#include "cpu/cache_info.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <unistd.h>
#endif

namespace sketchmax {
namespace {

constexpr size_t kDefaultL2 = 1u << 20;
constexpr size_t kDefaultL3 = 32u << 20;

#if defined(__linux__)
bool read_line(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return false;
  char buf[256];
  const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  if (ok) {
    out->assign(buf);
    while (!out->empty() && (out->back() == '\n' || out->back() == ' ')) out->pop_back();
  }
  return ok;
}

// "32768K" / "1M" / "512" -> bytes.
size_t parse_size(const std::string& s) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (end && (*end == 'K' || *end == 'k')) return static_cast<size_t>(v) << 10;
  if (end && (*end == 'M' || *end == 'm')) return static_cast<size_t>(v) << 20;
  return static_cast<size_t>(v);
}

// Number of CPUs in a sysfs list such as "0-1" or "0,2,4-7".
size_t count_cpus(const std::string& list) {
  size_t count = 0;
  const char* p = list.c_str();
  while (*p) {
    char* end = nullptr;
    const long a = std::strtol(p, &end, 10);
    if (end == p) break;
    long b = a;
    p = end;
    if (*p == '-') {
      b = std::strtol(p + 1, &end, 10);
      p = end;
    }
    if (b >= a) count += static_cast<size_t>(b - a + 1);
    if (*p == ',') ++p;
  }
  return count;
}

bool from_sysfs(CacheInfo* info) {
  bool found = false;
  for (int i = 0; i < 8; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::string level, type, size, shared;
    if (!read_line(dir + "level", &level) || !read_line(dir + "size", &size)) continue;
    read_line(dir + "type", &type);
    if (type == "Instruction") continue;
    const size_t bytes = parse_size(size);
    if (level == "2") {
      info->l2_bytes = bytes;
      found = true;
    } else if (level == "3") {
      info->l3_bytes = bytes;
      const size_t sharers = read_line(dir + "shared_cpu_list", &shared) ? count_cpus(shared) : 1;
      info->l3_per_core_bytes = bytes / (sharers ? sharers : 1);
      found = true;
    }
  }
  return found;
}
#endif

CacheInfo detect() {
  CacheInfo info{kDefaultL2, kDefaultL3, kDefaultL3};
  info.l3_per_core_bytes = 0;
#if defined(__linux__)
  if (!from_sysfs(&info)) {
#if defined(_SC_LEVEL2_CACHE_SIZE) && defined(_SC_LEVEL3_CACHE_SIZE)
    const long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE), l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (l2 > 0) info.l2_bytes = static_cast<size_t>(l2);
    if (l3 > 0) info.l3_bytes = static_cast<size_t>(l3);
#endif
  }
#endif
  if (info.l3_per_core_bytes == 0) info.l3_per_core_bytes = info.l3_bytes;
  if (info.l3_per_core_bytes < info.l2_bytes) info.l3_per_core_bytes = info.l2_bytes;
  return info;
}

}  // namespace

const CacheInfo& cache_info() {
  static const CacheInfo info = detect();
  return info;
}

}  // namespace sketchmax
