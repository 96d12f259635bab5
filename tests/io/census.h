// Threads and descriptors of this process, for the io tests' leak checks.
#pragma once

#include <dirent.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace io::testing {

inline std::int64_t entries(const char* directory) {
  DIR* dir = opendir(directory);
  if (dir == nullptr) return -1;
  std::int64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - (std::string(directory) == "/proc/self/fd" ? 1 : 0);  // the DIR's own descriptor
}

struct Census {
  std::int64_t threads = entries("/proc/self/task");
  std::int64_t fds = entries("/proc/self/fd");
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
