// pthread_small_stack: pthread_create with a 64 KiB stack (pthread_attr_setstacksize) instead of
// the default 8 MiB, joined inside the operation.
//   spawn_join:        one thread that stores the token; join.
//   memory_per_worker: W idle threads with 64 KiB stacks.
#include <pthread.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "parallelism/idle_threads.h"
#include "parallelism/implementation.h"

namespace parallelism {
namespace {

constexpr std::size_t kStackBytes = 64 * 1024;

class SpawnJoin final : public Session {
 public:
  SpawnJoin() {
    ::pthread_attr_init(&attributes_);
    ::pthread_attr_setstacksize(&attributes_, kStackBytes);
  }
  ~SpawnJoin() override { ::pthread_attr_destroy(&attributes_); }
  SpawnJoin(const SpawnJoin&) = delete;
  SpawnJoin& operator=(const SpawnJoin&) = delete;

  std::uint64_t run() override {
    if (failed()) return 0;
    std::uint64_t token = 0;
    pthread_t thread;
    const int error = ::pthread_create(&thread, &attributes_, store_token, &token);
    if (error != 0) {
      fail(std::string("pthread_create: ") + ::strerror(error));
      return 0;
    }
    ::pthread_join(thread, nullptr);
    return token;
  }

 private:
  static void* store_token(void* token) {
    *static_cast<std::uint64_t*>(token) = kSpawnToken;
    return nullptr;
  }
  pthread_attr_t attributes_;
};

// A joinable pthread with the small stack, for IdleThreads.
class SmallStackThread : public Thread {
 public:
  template <class Body>
  explicit SmallStackThread(Body&& body)
      : Thread(std::function<void()>(std::forward<Body>(body)), std::nullopt, kStackBytes) {}
};

constexpr const char* kDescription = "pthread_create with a 64 KiB stack, joined inside the operation";

YB_REGISTER_IMPLEMENTATION({
    .name = "pthread_small_stack",
    .description = kDescription,
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> { return std::make_unique<SpawnJoin>(); }),
                  yb::implements(memory_per_worker,
                                 MemoryPerWorkerStart{WorkerKind::thread,
                                                      [](int workers) -> std::unique_ptr<IdleWorkers> {
                                                        return std::make_unique<IdleThreads<SmallStackThread>>(workers);
                                                      }})},
});

}  // namespace
}  // namespace parallelism
