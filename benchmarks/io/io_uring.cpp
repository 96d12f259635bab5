// io_uring: one thread, one ring (liburing), completions instead of readiness: accept, recv and
// send are submitted as requests and their results come back as completions.
//   submit:each   one io_uring_submit per request (a syscall per operation, the naive shape)
//   submit:batch  every request prepared while draining the completion queue goes in one
//                 io_uring_submit_and_wait
//   submit:defer  submit:batch on a ring set up IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN (completion
//                 work runs when the server thread waits, not by interrupting it); skipped with the
//                 kernel's answer where that is not supported (probed once)
//   submit:multishot  submit:batch, but each connection has one multishot recv (armed once, a
//                 completion per arrival) into buffers the kernel picks from a provided-buffer ring
//                 shared by all connections (kPoolBuffers x kServerBuffer), instead of a recv per
//                 message into a buffer of its own. A buffer goes back to the ring when its echo is
//                 sent. When the ring is empty a connection's recv ends (-ENOBUFS) and is re-armed
//                 as buffers come back. Probed once by trying it on a socketpair (Linux 6.0+);
//                 skipped with what failed where the kernel lacks it.
//
// At conns:1 the submit modes have been reported 4-5x apart in either direction (batch and defer
// slower than each in one session, each 10x slower than batch in another). That is not the server
// waiting on something: on this 2-vCPU machine, 1,024 round trips per operation, perf stat counted
// per request 2.5 io_uring_enter calls for each (submit send, submit recv, wait), 2.0 for batch and
// defer (submit+wait twice; no timeout, no batch to fill: wait_nr is 1, and GETEVENTS runs defer's
// task work), 1.2 for multishot, and 2.0 context switches for all of them (client and server each
// sleep once); CPU per request was the same within noise. What moves is wall time: the request
// latency's median sits either near 9.5 us or near 17.5 us, a state that flips from run to run
// (where the two threads wake: beside each other on one vCPU, or across to a halted one) and
// whose tail is the other jobs on the machine; interleaved runs put batch at 27k, 39k and 101k
// requests/s and each at 43k, 33k, 30k. Compare the io_uring modes at conns:1 on
// ctx_*_per_request and cpu_ns_per_request, or with the process pinned (taskset), not on one run.
//
// The ring is created on the server thread (SINGLE_ISSUER binds it to its creator). At stop every
// request in flight is cancelled and its completion awaited (bounded) before buffers are freed.
#include <liburing.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io/echo_server.h"
#include "io/kernel_features.h"

namespace io {
namespace {

enum Submit { each = 0, batch = 1, defer = 2, multishot = 3 };

constexpr std::uint64_t kAccept = 1, kStop = 2, kCancel = 3;
constexpr std::uint64_t kOpMask = 7, kRecv = 0, kSend = 4;

constexpr unsigned kPoolBuffers = 4096;  // a power of two (the ring's mask)
constexpr int kBufferGroup = 0;

// Received bytes waiting for their echo, in a buffer of the pool (submit:multishot).
struct Chunk {
  std::uint16_t buffer_id;
  std::uint32_t offset, end;
};

struct alignas(8) Conn {
  Fd fd;
  std::size_t offset = 0, end = 0;
  std::unique_ptr<char[]> buffer;  // each, batch, defer: the connection's own; multishot: none
  // multishot only: echoes in order, one send in flight at a time.
  std::vector<Chunk> pending;
  bool recv_armed = false, sending = false, closing = false, starved = false;
};

// A provided-buffer ring and the buffers it hands out, mapped (page-aligned, as the kernel needs).
// liburing 2.3 has no io_uring_setup_buf_ring: the ring memory is mapped here and registered.
class BufferPool {
 public:
  // Registers the ring with `ring`; returns the negative errno of the registration, or 0.
  int attach(io_uring& ring, unsigned count) {
    count_ = count;
    ring_bytes_ = count * sizeof(io_uring_buf);
    data_bytes_ = std::size_t{count} * kServerBuffer;
    void* memory =
        ::mmap(nullptr, ring_bytes_ + data_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return -errno;
    memory_ = static_cast<char*>(memory);
    ring_ = reinterpret_cast<io_uring_buf_ring*>(memory_);
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uint64_t>(ring_);
    registration.ring_entries = count;
    registration.bgid = kBufferGroup;
    if (const int failed = io_uring_register_buf_ring(&ring, &registration, 0); failed < 0) return failed;
    io_uring_buf_ring_init(ring_);
    for (unsigned id = 0; id < count; ++id) {
      io_uring_buf_ring_add(ring_, data(static_cast<std::uint16_t>(id)), kServerBuffer, static_cast<std::uint16_t>(id),
                            io_uring_buf_ring_mask(count), static_cast<int>(id));
    }
    io_uring_buf_ring_advance(ring_, static_cast<int>(count));
    return 0;
  }
  ~BufferPool() {
    if (memory_ != nullptr) ::munmap(memory_, ring_bytes_ + data_bytes_);
  }
  char* data(std::uint16_t id) const { return memory_ + ring_bytes_ + std::size_t{id} * kServerBuffer; }
  void give_back(std::uint16_t id) {
    io_uring_buf_ring_add(ring_, data(id), kServerBuffer, id, io_uring_buf_ring_mask(count_), 0);
    io_uring_buf_ring_advance(ring_, 1);
  }
  std::int64_t resident_bytes() const {
    if (memory_ == nullptr) return 0;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t length = ring_bytes_ + data_bytes_;
    std::vector<unsigned char> resident((length + page - 1) / page);
    if (::mincore(memory_, length, resident.data()) != 0) return 0;
    std::int64_t total = 0;
    for (const unsigned char bits : resident) total += (bits & 1) ? static_cast<std::int64_t>(page) : 0;
    return total;
  }

 private:
  char* memory_ = nullptr;
  io_uring_buf_ring* ring_ = nullptr;
  unsigned count_ = 0;
  std::size_t ring_bytes_ = 0, data_bytes_ = 0;
};

unsigned setup_flags(int variant) {  // multishot runs on a plain ring, like batch
  return variant == defer ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN : 0u;
}

int init_ring(io_uring& ring, int variant) {
  io_uring_params params{};
  params.flags = setup_flags(variant) | IORING_SETUP_CQSIZE;
  params.cq_entries = 32768;
  return io_uring_queue_init_params(1024, &ring, &params);
}

class UringServer final : public EchoServer {
 public:
  UringServer(Fd listener, int variant) : listener_(std::move(listener)), variant_(variant) {
    std::promise<std::string> started;
    auto result = started.get_future();
    thread_ = std::thread([this, &started] { run(started); });
    const std::string error = result.get();
    if (!error.empty()) {
      thread_.join();
      throw std::runtime_error(error);
    }
  }

  ~UringServer() override {
    stop_.signal();
    thread_.join();
  }

  int threads() const override { return 1; }
  // submit:multishot: the pages of the shared buffer pool the kernel has filled so far.
  std::int64_t mapped_resident_bytes() const override { return pool_.resident_bytes(); }

 private:
  io_uring_sqe* sqe() {
    io_uring_sqe* entry = io_uring_get_sqe(&ring_);
    if (entry == nullptr) {  // submission queue full: hand it to the kernel and take a fresh slot
      io_uring_submit(&ring_);
      entry = io_uring_get_sqe(&ring_);
    }
    return entry;
  }
  void submitted() {
    ++inflight_;
    if (variant_ == each) io_uring_submit(&ring_);
  }

  void arm_accept() {
    io_uring_sqe* entry = sqe();
    io_uring_prep_accept(entry, listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(entry, kAccept);
    submitted();
  }
  void arm_recv(Conn& conn) {
    io_uring_sqe* entry = sqe();
    if (variant_ == multishot) {
      io_uring_prep_recv_multishot(entry, conn.fd.get(), nullptr, 0, 0);
      entry->flags |= IOSQE_BUFFER_SELECT;
      entry->buf_group = kBufferGroup;
      conn.recv_armed = true;
    } else {
      io_uring_prep_recv(entry, conn.fd.get(), conn.buffer.get(), kServerBuffer, 0);
    }
    io_uring_sqe_set_data64(entry, reinterpret_cast<std::uint64_t>(&conn) | kRecv);
    submitted();
  }
  void arm_send(Conn& conn) {
    io_uring_sqe* entry = sqe();
    if (variant_ == multishot) {
      const Chunk& chunk = conn.pending.front();
      io_uring_prep_send(entry, conn.fd.get(), pool_.data(chunk.buffer_id) + chunk.offset, chunk.end - chunk.offset,
                         MSG_NOSIGNAL);
      conn.sending = true;
    } else {
      io_uring_prep_send(entry, conn.fd.get(), conn.buffer.get() + conn.offset, conn.end - conn.offset, MSG_NOSIGNAL);
    }
    io_uring_sqe_set_data64(entry, reinterpret_cast<std::uint64_t>(&conn) | kSend);
    submitted();
  }
  void close(Conn& conn) { conns_[static_cast<std::size_t>(conn.fd.get())].reset(); }

  // submit:multishot: one completion of a connection's multishot recv.
  void received(Conn& conn, int result, unsigned flags) {
    if ((flags & IORING_CQE_F_MORE) == 0) conn.recv_armed = false;
    if (result > 0) {
      const auto id = static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
      conn.pending.push_back({id, 0, static_cast<std::uint32_t>(result)});
      if (!conn.sending) arm_send(conn);
      if (!conn.recv_armed && !conn.closing) arm_recv(conn);  // the kernel ended it early: arm it again
    } else if (result == -ENOBUFS && !conn.closing) {
      conn.starved = true;  // the pool is empty: armed again when a buffer comes back
      starved_.push_back(&conn);
    } else {
      conn.closing = true;  // EOF, an error, or cancelled: the echoes already received still go out
    }
    close_when_idle(conn);
  }

  // submit:multishot: a send of the first pending chunk completed.
  void sent(Conn& conn, int result) {
    conn.sending = false;
    if (result < 0) {  // the peer is gone: drop what is pending; shutdown ends the recv with EOF
      for (const Chunk& chunk : conn.pending) give_back(chunk.buffer_id);
      conn.pending.clear();
      if (!conn.closing) ::shutdown(conn.fd.get(), SHUT_RDWR);
      conn.closing = true;
      close_when_idle(conn);
      return;
    }
    Chunk& chunk = conn.pending.front();
    chunk.offset += static_cast<std::uint32_t>(result);
    if (chunk.offset == chunk.end) {
      const std::uint16_t id = chunk.buffer_id;
      conn.pending.erase(conn.pending.begin());
      give_back(id);
    }
    if (!conn.pending.empty()) {
      arm_send(conn);
    } else {
      close_when_idle(conn);
    }
  }

  void give_back(std::uint16_t id) {
    pool_.give_back(id);
    if (starved_.empty()) return;
    Conn& next = *starved_.back();
    starved_.pop_back();
    next.starved = false;
    if (next.closing) {
      close_when_idle(next);
    } else {
      arm_recv(next);
    }
  }

  // Frees a closing connection once the kernel holds nothing of it (no recv, no send in flight).
  void close_when_idle(Conn& conn) {
    if (conn.closing && !conn.recv_armed && !conn.sending && !conn.starved) close(conn);
  }

  // Handles one completion; false when the stop signal arrived.
  bool complete(const io_uring_cqe& cqe) {
    const std::uint64_t data = cqe.user_data;
    const int result = cqe.res;
    if ((cqe.flags & IORING_CQE_F_MORE) == 0) --inflight_;  // a multishot request stays in flight while F_MORE
    if (data == kStop) return false;
    if (data == kCancel) return true;
    if (data == kAccept) {
      if (result >= 0) {
        set_nodelay(result);
        if (static_cast<std::size_t>(result) >= conns_.size()) conns_.resize(static_cast<std::size_t>(result) + 1);
        auto conn = std::make_unique<Conn>();
        conn->fd = Fd(result);
        if (variant_ != multishot) conn->buffer = std::make_unique_for_overwrite<char[]>(kServerBuffer);
        arm_recv(*conn);
        conns_[static_cast<std::size_t>(result)] = std::move(conn);
      }
      if (result >= 0 || result == -EINTR || result == -ECONNABORTED || result == -EAGAIN) arm_accept();
      return true;
    }
    Conn& conn = *reinterpret_cast<Conn*>(data & ~kOpMask);
    if (variant_ == multishot) {
      if ((data & kOpMask) == kRecv) {
        received(conn, result, cqe.flags);
      } else {
        sent(conn, result);
      }
      return true;
    }
    if ((data & kOpMask) == kRecv) {
      if (result <= 0) {
        close(conn);  // EOF or error: nothing else is in flight for it
        return true;
      }
      conn.offset = 0;
      conn.end = static_cast<std::size_t>(result);
      arm_send(conn);
      return true;
    }
    if (result < 0) {
      close(conn);
      return true;
    }
    conn.offset += static_cast<std::size_t>(result);
    if (conn.offset < conn.end) {
      arm_send(conn);
    } else {
      arm_recv(conn);
    }
    return true;
  }

  void run(std::promise<std::string>& started) {
    if (const int failed = init_ring(ring_, variant_); failed < 0) {
      started.set_value(std::string("io_uring_queue_init_params: ") + std::strerror(-failed));
      return;
    }
    if (variant_ == multishot) {
      if (const int failed = pool_.attach(ring_, kPoolBuffers); failed < 0) {
        io_uring_queue_exit(&ring_);
        started.set_value(std::string("provided-buffer ring: ") + std::strerror(-failed));
        return;
      }
    }
    io_uring_sqe* entry = sqe();
    io_uring_prep_poll_add(entry, stop_.fd(), POLLIN);
    io_uring_sqe_set_data64(entry, kStop);
    submitted();
    arm_accept();
    io_uring_submit(&ring_);
    started.set_value("");

    bool running = true;
    while (running) {
      io_uring_cqe* cqe = nullptr;
      const int waited = variant_ == each ? io_uring_wait_cqe(&ring_, &cqe) : io_uring_submit_and_wait(&ring_, 1);
      if (waited < 0 && waited != -EINTR && waited != -EAGAIN && waited != -EBUSY) break;
      unsigned head;
      unsigned seen = 0;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        ++seen;
        if (!complete(*cqe)) running = false;
      }
      io_uring_cq_advance(&ring_, seen);
    }
    // Cancel whatever is still in flight (recvs into our buffers, the accept) and wait for their
    // completions, at most one second, before the buffers go.
    entry = sqe();
    io_uring_prep_cancel64(entry, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
    io_uring_sqe_set_data64(entry, kCancel);
    ++inflight_;
    io_uring_submit(&ring_);
    while (inflight_ > 0) {
      io_uring_cqe* cqe = nullptr;
      __kernel_timespec limit{1, 0};
      if (io_uring_wait_cqe_timeout(&ring_, &cqe, &limit) < 0) break;
      if ((cqe->flags & IORING_CQE_F_MORE) == 0) --inflight_;
      io_uring_cqe_seen(&ring_, cqe);
    }
    io_uring_queue_exit(&ring_);
    conns_.clear();
  }

  Fd listener_;
  int variant_;
  StopSignal stop_;
  io_uring ring_{};
  std::int64_t inflight_ = 0;
  BufferPool pool_;                           // submit:multishot; outlives the ring
  std::vector<Conn*> starved_;                // submit:multishot: recvs ended by an empty pool
  std::vector<std::unique_ptr<Conn>> conns_;  // by descriptor
  std::thread thread_;
};

// Tries a multishot recv with a provided buffer on a socketpair: what failed, or empty when the
// kernel delivered one byte into a pool buffer and kept the request armed.
std::string multishot_unavailable() {
  io_uring ring{};
  if (const int failed = io_uring_queue_init(8, &ring, 0); failed < 0) {
    return std::string("io_uring_queue_init: ") + std::strerror(-failed);
  }
  std::string reason;
  BufferPool pool;
  int pair[2];
  if (const int failed = pool.attach(ring, 1); failed < 0) {
    reason = std::string("io_uring_register_buf_ring: ") + std::strerror(-failed) +
             " (provided-buffer rings need Linux 5.19)";
  } else if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    reason = errno_text("socketpair");
  } else {
    const Fd reader(pair[0]), writer(pair[1]);
    io_uring_sqe* entry = io_uring_get_sqe(&ring);
    io_uring_prep_recv_multishot(entry, reader.get(), nullptr, 0, 0);
    entry->flags |= IOSQE_BUFFER_SELECT;
    entry->buf_group = kBufferGroup;
    io_uring_submit(&ring);
    [[maybe_unused]] const auto written = ::write(writer.get(), "x", 1);
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec limit{1, 0};
    if (io_uring_wait_cqe_timeout(&ring, &cqe, &limit) < 0) {
      reason = "multishot recv: no completion within 1 s";
    } else {
      if (cqe->res < 0) {
        reason =
            std::string("multishot recv with a provided buffer: ") + std::strerror(-cqe->res) + " (needs Linux 6.0)";
      } else if (cqe->res != 1 || (cqe->flags & IORING_CQE_F_BUFFER) == 0) {
        reason = "multishot recv: completion without a provided buffer (res " + std::to_string(cqe->res) + ")";
      } else if ((cqe->flags & IORING_CQE_F_MORE) == 0) {
        reason = "multishot recv ended after its first completion (no IORING_CQE_F_MORE)";
      }
      io_uring_cqe_seen(&ring, cqe);
    }
    io_uring_queue_exit(&ring);  // cancels the recv while its sockets and pool still exist
    return reason;
  }
  io_uring_queue_exit(&ring);
  return reason;
}

std::string limit(int, int variant) {
  if (const std::string& reason = io::io_uring_unavailable(); !reason.empty()) return reason;
  if (variant == multishot) {
    static const std::string reason = multishot_unavailable();
    return reason;
  }
  if (variant != defer) return "";
  static const std::string reason = [] {
    io_uring ring{};
    const int failed = init_ring(ring, defer);
    if (failed < 0)
      return std::string("IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN not supported: ") + std::strerror(-failed);
    io_uring_queue_exit(&ring);
    return std::string();
  }();
  return reason;
}

// Both echo workloads, TCP and Unix stream, with the same server.
constexpr MakeServer kMake = [](Fd listener, int variant) -> std::unique_ptr<EchoServer> {
  return std::make_unique<UringServer>(std::move(listener), variant);
};

YB_REGISTER_IMPLEMENTATION({
    .name = "io_uring",
    .description =
        "one thread, liburing completions for accept/recv/send (submit:each = one submit per request, "
        "submit:batch, submit:defer = batch with SINGLE_ISSUER|DEFER_TASKRUN, submit:multishot = batch with one "
        "multishot recv per connection into a shared provided-buffer ring)",
    .functions = {yb::implements(echo_tcp, kMake), yb::implements(echo_unix, kMake)},
    .variants = variants("submit", {"each", "batch", "defer", "multishot"}),
    .unavailable = unavailable(limit),
});

}  // namespace
}  // namespace io
