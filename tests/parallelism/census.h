// What a test process holds: open fds, threads, and whether it has any child left.
#pragma once

#include <dirent.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

namespace parallelism::testing {

inline int count_entries(const char* directory) {
  DIR* dir = ::opendir(directory);
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count;
}

inline int open_fds() { return count_entries("/proc/self/fd"); }
inline int threads() { return count_entries("/proc/self/task"); }

// The thread count once exiting threads are gone, waiting up to a second for it to reach
// `expected`: pthread_join returns when the kernel clears the thread's tid, a moment before the
// task leaves /proc/self/task, so a count taken right after a join can still see it.
inline int threads_settled(int expected) {
  int count = threads();
  for (int attempt = 0; attempt < 100 && count != expected; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    count = threads();
  }
  return count;
}

// True when this process has no child at all, running or unreaped.
inline bool no_children() {
  int status = 0;
  errno = 0;
  return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

}  // namespace parallelism::testing
