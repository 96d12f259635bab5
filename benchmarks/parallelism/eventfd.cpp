// eventfd: one eventfd each way (a kernel counter: write adds, read takes and clears), both sides
// blocking in read(2). One file for both worker kinds: parallelism/ping_pong/eventfd/worker:...
#include <sys/eventfd.h>

#include <cstdint>

#include "parallelism/implementation.h"
#include "parallelism/ping_pong.h"

namespace parallelism {
namespace {

Fd make_eventfd() {
  Fd fd(::eventfd(0, EFD_CLOEXEC));
  if (!fd) throw_errno("eventfd");
  return fd;
}

class EventfdChannel {
 public:
  EventfdChannel(WorkerKind kind, PingPongControl&)
      : entry_(syscall_entry_for(kind)), to_peer_(make_eventfd()), to_parent_(make_eventfd()) {}

  // Both sides use both counters: nothing to close.
  void after_fork_in_parent() {}
  void after_fork_in_peer() {}

  bool send_request(std::uint32_t token) { return send(to_peer_.get(), token); }
  std::uint32_t receive_request() { return receive(to_peer_.get()); }
  bool send_reply(std::uint32_t token) { return send(to_parent_.get(), token); }
  std::uint32_t receive_reply() { return receive(to_parent_.get()); }
  // An eventfd has no end-of-file: the watchdog delivers a value no peer answers.
  void peer_gone() { send(to_parent_.get(), kPeerGone); }

 private:
  bool send(int fd, std::uint64_t value) const { return write_all(fd, &value, sizeof(value), entry_); }
  std::uint32_t receive(int fd) const {
    std::uint64_t value = 0;
    return read_all(fd, &value, sizeof(value), entry_) ? static_cast<std::uint32_t>(value) : 0;
  }

  SyscallEntry entry_;
  Fd to_peer_;
  Fd to_parent_;
};

constexpr const char* kDescription = "eventfd(2) each way, 8-byte counter values, blocking read/write";

YB_REGISTER_IMPLEMENTATION({
    .name = "eventfd",
    .description = kDescription,
    .functions = {yb::implements(
        ping_pong, [](WorkerKind kind, std::optional<int> cpu) { return start_ping_pong<EventfdChannel>(kind, cpu); })},
    .variants = worker_variants({WorkerKind::thread, WorkerKind::process}),
});

}  // namespace
}  // namespace parallelism
