// std_thread: a std::thread per worker, started and joined inside the operation.
//   spawn_join:        one thread that stores the token; join.
//   cpu_sum:           W threads take list entries from a shared atomic index and write each sum
//                      into the result array; join all.
//   memory_per_worker: W idle std::threads (default 8 MiB stacks, reserved, mostly untouched).
#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "parallelism/idle_threads.h"
#include "parallelism/implementation.h"

namespace parallelism {
namespace {

class SpawnJoin final : public Session {
 public:
  std::uint64_t run() override {
    std::uint64_t token = 0;
    std::thread worker([&token] { token = kSpawnToken; });
    worker.join();
    return token;
  }
};

class CpuSum final : public Session {
 public:
  CpuSum(int workers, std::span<const std::uint64_t> list) : workers_(workers), list_(list) {
    threads_.reserve(static_cast<std::size_t>(workers));
  }

  std::uint64_t run() override {
    std::atomic<std::size_t> next{0};
    for (int i = 0; i < workers_; ++i) {
      threads_.emplace_back([this, &next] {
        for (std::size_t entry; (entry = next.fetch_add(1, std::memory_order_relaxed)) < list_.size();) {
          results_[entry] = sum_to(list_[entry]);
        }
      });
    }
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    return combine_results(std::span(results_).first(list_.size()));
  }

 private:
  int workers_;
  std::span<const std::uint64_t> list_;
  std::array<std::uint64_t, kMaxListLength> results_{};
  std::vector<std::thread> threads_;
};

constexpr const char* kDescription = "a std::thread per worker, started and joined inside the operation";

YB_REGISTER_IMPLEMENTATION({
    .name = "std_thread",
    .description = kDescription,
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> { return std::make_unique<SpawnJoin>(); }),
                  yb::implements(cpu_sum,
                                 [](int workers, std::span<const std::uint64_t> list) -> std::unique_ptr<Session> {
                                   return std::make_unique<CpuSum>(workers, list);
                                 }),
                  yb::implements(memory_per_worker,
                                 MemoryPerWorkerStart{WorkerKind::thread,
                                                      [](int workers) -> std::unique_ptr<IdleWorkers> {
                                                        return std::make_unique<IdleThreads<std::thread>>(workers);
                                                      }})},
});

}  // namespace
}  // namespace parallelism
