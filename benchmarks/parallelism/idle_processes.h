// memory_per_worker for processes: W children that write one byte to a "ready" pipe once running
// and then block reading a "stop" pipe until the parent closes it. How a child starts (fork in
// fork.cpp, posix_spawn of the helper in posix_spawn.cpp) is the implementation's part.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "parallelism/implementation.h"
#include "parallelism/workers.h"

namespace parallelism {

// The pipe ends a starting child gets: it writes to `ready_write` and reads `stop_read`; the
// parent's ends (which a forked child must close) are given so it can.
struct IdleEnds {
  int ready_write;
  int stop_read;
  int parent_ready_read;
  int parent_stop_write;
};
using StartIdleProcess = pid_t (*)(const IdleEnds& ends);

class IdleProcesses final : public IdleWorkers {
 public:
  IdleProcesses(int workers, StartIdleProcess start) : IdleWorkers(workers), start_(start) {}
  ~IdleProcesses() override { stop(); }

  std::uint64_t hold() override {
    if (failed()) return 0;
    ready_ = make_pipe();
    stop_ = make_pipe();
    const IdleEnds ends{ready_.write.get(), stop_.read.get(), ready_.read.get(), stop_.write.get()};
    for (int i = 0; i < workers(); ++i) children_.add(start_(ends));
    ready_.write.reset();
    stop_.read.reset();
    std::vector<char> bytes(static_cast<std::size_t>(workers()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    if (!read_all_until(ready_.read.get(), bytes.data(), bytes.size(), deadline)) {
      fail(children_.explain("idle worker process"));
      return 0;
    }
    return static_cast<std::uint64_t>(workers());
  }

  void release() override {
    stop_.write.reset();  // each child reads end-of-file and exits with status 0
    ready_.read.reset();
    if (!failed()) fail(children_.reap_all("idle worker process"));
  }

  void stop() override { release(); }

  std::vector<pid_t> processes() const override { return children_.pids(); }

 private:
  StartIdleProcess start_;
  Pipe ready_;
  Pipe stop_;
  Children children_;
};

}  // namespace parallelism
