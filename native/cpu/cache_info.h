// Cache sizes of the running machine, read once at run time (Linux sysfs, else sysconf, else
// typical defaults). Used by softmax 'auto' to decide when data no longer fits in cache.
#ifndef SKETCHMAX_CPU_CACHE_INFO_H_
#define SKETCHMAX_CPU_CACHE_INFO_H_

#include <cstddef>

namespace sketchmax {

struct CacheInfo {
  size_t l2_bytes;           // per core
  size_t l3_bytes;           // whole last-level cache
  size_t l3_per_core_bytes;  // l3_bytes divided among the cores that share it
};

const CacheInfo& cache_info();

}  // namespace sketchmax

#endif  // SKETCHMAX_CPU_CACHE_INFO_H_
