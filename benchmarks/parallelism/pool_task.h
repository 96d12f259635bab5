// What the thread pool and the process pool hand to a worker, and what comes back: a token task
// (spawn_join: the worker does nothing but answer) or one entry of a cpu_sum list.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

// The tasks of one operation: spawn_join's single token, or one sum per cpu_sum list entry.
inline std::vector<PoolTask> token_tasks() { return {{0, PoolTask::token, 0}}; }
inline std::vector<PoolTask> sum_tasks(std::span<const std::uint64_t> list) {
  std::vector<PoolTask> tasks;
  tasks.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    tasks.push_back({static_cast<std::uint32_t>(i), PoolTask::sum, list[i]});
  return tasks;
}

inline std::uint64_t execute(const PoolTask& task) {
  return task.kind == PoolTask::token ? kSpawnToken : sum_to(task.n);
}

}  // namespace parallelism
