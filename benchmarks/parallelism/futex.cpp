// futex: one 32-bit word each way; the sender stores the token and calls FUTEX_WAKE, the receiver
// sleeps in FUTEX_WAIT while the word is 0 (no spinning). Threads use private futexes, processes
// a shared futex on the word in a MAP_SHARED mapping. One file for both worker kinds:
// parallelism/ping_pong/futex/worker:thread|process/...
#include <atomic>
#include <cstdint>

#include "parallelism/implementation.h"
#include "parallelism/ping_pong.h"

namespace parallelism {
namespace {

class FutexChannel {
 public:
  FutexChannel(WorkerKind kind, PingPongControl& control) : control_(control), shared_(kind == WorkerKind::process) {}

  void after_fork_in_parent() {}
  void after_fork_in_peer() {}

  bool send_request(std::uint32_t token) { return send(control_.request, token); }
  std::uint32_t receive_request() { return receive(control_.request); }
  bool send_reply(std::uint32_t token) { return send(control_.reply, token); }
  std::uint32_t receive_reply() { return receive(control_.reply); }
  // Nothing else would wake a parent waiting on a dead peer's word. The flag stays set (checked
  // before every wait); the stored value wakes a wait already begun.
  void peer_gone() {
    control_.peer_gone.store(1, std::memory_order_release);
    send(control_.reply, kPeerGone);
  }

 private:
  bool send(std::atomic<std::uint32_t>& word, std::uint32_t token) {
    word.store(token, std::memory_order_release);
    futex_wake(word, 1, shared_);
    return true;
  }
  std::uint32_t receive(std::atomic<std::uint32_t>& word) {
    std::uint32_t token;
    while ((token = word.load(std::memory_order_acquire)) == 0) {
      if (control_.peer_gone.load(std::memory_order_acquire) != 0) [[unlikely]]
        return kPeerGone;
      futex_wait(word, 0, shared_);
    }
    // The sender writes again only after our answer, so clearing cannot lose a token.
    word.store(0, std::memory_order_relaxed);
    return token;
  }

  PingPongControl& control_;
  bool shared_;
};

constexpr const char* kDescription =
    "a futex word each way: store + FUTEX_WAKE, FUTEX_WAIT while 0 (threads: private; processes: shared memory)";

YB_REGISTER_IMPLEMENTATION({
    .name = "futex",
    .description = kDescription,
    .functions = {yb::implements(
        ping_pong, [](WorkerKind kind, std::optional<int> cpu) { return start_ping_pong<FutexChannel>(kind, cpu); })},
    .variants = worker_variants({WorkerKind::thread, WorkerKind::process}),
});

}  // namespace
}  // namespace parallelism
