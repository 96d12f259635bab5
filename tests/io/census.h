// Threads and descriptors of this process, for the io tests' leak checks: the harness's leak
// audit census (harness/leak_audit.h), counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "leak_audit.h"

namespace io::testing {

struct Census {
  Census() {
    const auto census = yb::leak_audit::Census::take();
    threads = static_cast<std::int64_t>(census.threads.size());
    fds = static_cast<std::int64_t>(census.fds.size());
  }
  std::int64_t threads;
  std::int64_t fds;
  bool operator==(const Census&) const = default;
};

// The census once it equals `before`, or the last one after two seconds: io_uring's kernel
// worker threads (iou-wrk) are threads of this process and leave shortly after their ring.
inline Census settled(const Census& before) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  Census now;
  while (!(now == before) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = Census();
  }
  return now;
}

}  // namespace io::testing
