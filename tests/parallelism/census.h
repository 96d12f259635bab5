// What a test process holds: open fds, threads, and whether it has any child left.
#pragma once

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "leak_audit.h"

namespace parallelism::testing {

// Counted from the harness's leak audit census (harness/leak_audit.h).
inline int open_fds() { return static_cast<int>(yb::leak_audit::Census::take().fds.size()); }
inline int threads() { return static_cast<int>(yb::leak_audit::Census::take().threads.size()); }

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
