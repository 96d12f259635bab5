// Google Benchmark's MemoryManager backed by heap_counter, so GB's own memory pass
// (allocs_per_iter, max_bytes_used in its JSON) reports the same allocations as our counters.
#pragma once

#include <benchmark/benchmark.h>

namespace yb {

class HeapMemoryManager final : public benchmark::MemoryManager {
 public:
  void Start() override;
  void Stop(Result* result) override;
};

// True between Start() and Stop(): measure() then runs only the loop, so GB counts nothing else.
bool memory_manager_pass_active();

}  // namespace yb
