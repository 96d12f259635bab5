// The leak audit: what a benchmark must give back before the next one runs.
//
// Around every call of a benchmark the registry takes a census of this process (open file
// descriptors, child processes, threads) and compares it with the one taken before the call.
// Anything left over is a benchmark error naming it: a leaked socket, an unreaped child or a
// thread still running would otherwise change what every later benchmark measures, and the
// reliability rules say every benchmark cleans up after itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <set>
#include <string>

namespace yb::leak_audit {

struct Census {
  std::map<int, std::string> fds;        // descriptor -> what it refers to ("socket:[123]", a path)
  std::set<pid_t> children;              // every child of this process, zombies included (unreaped)
  std::map<pid_t, std::string> threads;  // thread id -> its name

  static Census take();
};

// What `now` holds that `before` did not, as one line ("2 fds (7 socket:[1234], 8 pipe:[99]);
// 1 child (pid 4242)"), or empty when nothing. Descriptors and children that `before` held and
// `now` does not are not leaks.
std::string leftovers(const Census& before, const Census& now);

// The leftovers once they settle: a joined thread, or io_uring's kernel workers (iou-wrk threads
// of this process), leave /proc/self/task shortly after the call that ended them, so the census is
// retaken until nothing is left over or `grace` has passed.
std::string settled_leftovers(const Census& before, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

}  // namespace yb::leak_audit
