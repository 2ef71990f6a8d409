// A minimal fork-join helper for the kernels' drivers. Work is split into tasks whose boundaries the
// caller fixes independently of the thread count, and every task writes its own output, so results
// never depend on how many threads ran them or in which order (reductions over tasks are done by
// the caller, in task order, after the join).
#ifndef SKETCHMAX_CPU_PARALLEL_H_
#define SKETCHMAX_CPU_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace sketchmax {

// The default thread count: the cores this process may use (at least 1).
inline unsigned default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// Calls fn(task) for every task in [0, tasks), on min(threads, tasks) threads including the caller.
// fn must not throw. Threads take tasks from a shared counter (load balance; no effect on results).
template <class F>
void parallel_for(size_t tasks, unsigned threads, F&& fn) {
  const size_t workers = std::min<size_t>(std::max(1u, threads), tasks);
  if (workers <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::atomic<size_t> next{0};
  auto run = [&]() {
    for (size_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) fn(t);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) {
    try {
      pool.emplace_back(run);
    } catch (...) {  // no more threads available: the ones started (and the caller) do the rest
      break;
    }
  }
  run();
  for (std::thread& th : pool) th.join();
}

}  // namespace sketchmax

#endif  // SKETCHMAX_CPU_PARALLEL_H_
