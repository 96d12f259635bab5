// fork: a child process per worker, started with fork(2) inside the operation (no exec: the child
// runs the parent's code on a copy-on-write image) and reaped with waitpid.
//   spawn_join:        the child _exits with the token as its status. The kernel copies the
//                      parent's page tables, so this grows with parent_mib.
//   cpu_sum:           W children take list entries from an atomic index in a MAP_SHARED mapping
//                      and write each sum into a result array there.
//   memory_per_worker: W forked children idle on a pipe; each shares the parent's pages until it
//                      writes, so its PSS is what it has copied.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "parallelism/idle_processes.h"
#include "parallelism/implementation.h"

namespace parallelism {
namespace {

class SpawnJoin final : public Session {
 public:
  std::uint64_t run() override {
    if (failed()) return 0;
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(static_cast<int>(kSpawnToken));
    if (pid < 0) {
      fail(std::string("fork: ") + std::strerror(errno));
      return 0;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status)) {
      fail("forked child (pid " + std::to_string(pid) + ") " + describe_status(status));
      return 0;
    }
    return static_cast<std::uint64_t>(WEXITSTATUS(status));
  }
};

class CpuSum final : public Session {
 public:
  CpuSum(int workers, std::span<const std::uint64_t> list) : workers_(workers), list_(list) {
    children_.reserve(static_cast<std::size_t>(workers));
  }

  std::uint64_t run() override {
    if (failed()) return 0;
    Results& shared = *results_;
    shared.next.store(0, std::memory_order_relaxed);
    for (int i = 0; i < workers_; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        for (std::size_t entry; (entry = shared.next.fetch_add(1, std::memory_order_relaxed)) < list_.size();) {
          shared.sums[entry] = sum_to(list_[entry]);
        }
        ::_exit(0);
      }
      if (pid < 0) {
        fail(std::string("fork: ") + std::strerror(errno));
        break;
      }
      children_.push_back(pid);
    }
    for (const pid_t pid : children_) {
      const std::string why = reap(pid);
      if (!why.empty()) fail("cpu_sum child (pid " + std::to_string(pid) + ") " + why);
    }
    children_.clear();
    if (failed()) return 0;
    return combine_results(std::span(shared.sums).first(list_.size()));
  }

 private:
  struct Results {
    alignas(64) std::atomic<std::size_t> next{0};
    alignas(64) std::array<std::uint64_t, kMaxListLength> sums{};
  };

  int workers_;
  std::span<const std::uint64_t> list_;
  Shared<Results> results_;
  std::vector<pid_t> children_;
};

pid_t start_idle(const IdleEnds& ends) {
  return fork_worker([ends] {
    ::close(ends.parent_ready_read);
    ::close(ends.parent_stop_write);
    const char byte = 'r';
    if (!write_all(ends.ready_write, &byte, 1)) return 1;
    char ignored;
    while (::read(ends.stop_read, &ignored, 1) < 0 && errno == EINTR) {
    }
    return 0;
  });
}

constexpr const char* kDescription = "fork(2) per worker inside the operation (copy-on-write image, no exec), waitpid";

YB_REGISTER_IMPLEMENTATION({
    .name = "fork",
    .description = kDescription,
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> { return std::make_unique<SpawnJoin>(); }),
                  yb::implements(cpu_sum,
                                 [](int workers, std::span<const std::uint64_t> list) -> std::unique_ptr<Session> {
                                   return std::make_unique<CpuSum>(workers, list);
                                 }),
                  yb::implements(memory_per_worker,
                                 MemoryPerWorkerStart{WorkerKind::process,
                                                      [](int workers) -> std::unique_ptr<IdleWorkers> {
                                                        return std::make_unique<IdleProcesses>(workers, start_idle);
                                                      }})},
});

}  // namespace
}  // namespace parallelism
