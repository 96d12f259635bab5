// What the thread pool and the process pool hand to a worker, and what comes back: a token task
// (spawn_join: the worker does nothing but answer) or one entry of a cpu_sum list.
#pragma once

#include <cstdint>

#include "parallelism/workloads.h"

namespace parallelism {

struct PoolTask {
  enum Kind : std::uint32_t { token, sum };
  std::uint32_t index;  // where the result goes
  Kind kind;
  std::uint64_t n;
};

struct PoolResult {
  std::uint64_t index;
  std::uint64_t value;
};

inline std::uint64_t execute(const PoolTask& task) {
  return task.kind == PoolTask::token ? kSpawnToken : sum_to(task.n);
}

}  // namespace parallelism
