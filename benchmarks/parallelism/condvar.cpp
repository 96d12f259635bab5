// condvar: std::mutex + one std::condition_variable each way, threads only (the textbook handoff).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <utility>

#include "parallelism/implementation.h"
#include "parallelism/ping_pong.h"

namespace parallelism {
namespace {

class CondvarChannel {
 public:
  CondvarChannel(WorkerKind, PingPongControl&) {}

  void after_fork_in_parent() {}
  void after_fork_in_peer() {}

  bool send_request(std::uint32_t token) { return send(request_, request_changed_, token); }
  std::uint32_t receive_request() { return receive(request_, request_changed_); }
  bool send_reply(std::uint32_t token) { return send(reply_, reply_changed_, token); }
  std::uint32_t receive_reply() { return receive(reply_, reply_changed_); }
  void peer_gone() {}

 private:
  bool send(std::uint32_t& slot, std::condition_variable& changed, std::uint32_t token) {
    {
      std::lock_guard lock(mutex_);
      slot = token;
    }
    changed.notify_one();
    return true;
  }
  std::uint32_t receive(std::uint32_t& slot, std::condition_variable& changed) {
    std::unique_lock lock(mutex_);
    changed.wait(lock, [&] { return slot != 0; });
    return std::exchange(slot, 0);
  }

  std::mutex mutex_;
  std::condition_variable request_changed_;
  std::condition_variable reply_changed_;
  std::uint32_t request_ = 0;
  std::uint32_t reply_ = 0;
};

YB_REGISTER_IMPLEMENTATION({
    .name = "condvar",
    .description = "std::mutex + a std::condition_variable each way (threads only)",
    .functions = {yb::implements(
        ping_pong, [](WorkerKind kind, std::optional<int> cpu) { return start_ping_pong<CondvarChannel>(kind, cpu); })},
    .variants = worker_variants({WorkerKind::thread}),
});

}  // namespace
}  // namespace parallelism
