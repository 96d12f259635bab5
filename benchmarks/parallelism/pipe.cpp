// pipe: one pipe each way, 4-byte messages, both sides blocking in read(2) — what
// `perf bench sched pipe` does (processes by default, threads with -T). One file for both worker
// kinds: parallelism/ping_pong/pipe/worker:thread|process/... Process peers enter the kernel
// through syscall(2), thread peers through glibc's wrappers (SyscallEntry in workers.h says why).
#include <cstdint>

#include "parallelism/implementation.h"
#include "parallelism/ping_pong.h"

namespace parallelism {
namespace {

class PipeChannel {
 public:
  PipeChannel(WorkerKind kind, PingPongControl&)
      : entry_(syscall_entry_for(kind)), to_peer_(make_pipe()), to_parent_(make_pipe()) {}

  void after_fork_in_parent() {
    to_peer_.read.reset();
    to_parent_.write.reset();
  }
  void after_fork_in_peer() {
    to_peer_.write.reset();
    to_parent_.read.reset();
  }

  bool send_request(std::uint32_t token) { return write_all(to_peer_.write.get(), &token, sizeof(token), entry_); }
  std::uint32_t receive_request() { return receive(to_peer_.read.get()); }
  bool send_reply(std::uint32_t token) { return write_all(to_parent_.write.get(), &token, sizeof(token), entry_); }
  std::uint32_t receive_reply() { return receive(to_parent_.read.get()); }
  void peer_gone() {}  // the peer's end closes when it exits: the parent reads end-of-file

 private:
  std::uint32_t receive(int fd) const {
    std::uint32_t token = 0;
    return read_all(fd, &token, sizeof(token), entry_) ? token : 0;
  }

  SyscallEntry entry_;
  Pipe to_peer_;
  Pipe to_parent_;
};

constexpr const char* kDescription = "pipe(2) each way, 4-byte messages, blocking read/write (perf bench sched pipe)";

YB_REGISTER_IMPLEMENTATION({
    .name = "pipe",
    .description = kDescription,
    .functions = {yb::implements(
        ping_pong, [](WorkerKind kind, std::optional<int> cpu) { return start_ping_pong<PipeChannel>(kind, cpu); })},
    .variants = worker_variants({WorkerKind::thread, WorkerKind::process}),
});

}  // namespace
}  // namespace parallelism
