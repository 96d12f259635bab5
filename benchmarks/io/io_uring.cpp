// io_uring: one thread, one ring (liburing), completions instead of readiness: accept, recv and
// send are submitted as requests and their results come back as completions.
//   submit:each   one io_uring_submit per request (a syscall per operation, the naive shape)
//   submit:batch  every request prepared while draining the completion queue goes in one
//                 io_uring_submit_and_wait
//   submit:defer  submit:batch on a ring set up IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN (completion
//                 work runs when the server thread waits, not by interrupting it); skipped with the
//                 kernel's answer where that is not supported (probed once)
// The ring is created on the server thread (SINGLE_ISSUER binds it to its creator). At stop every
// request in flight is cancelled and its completion awaited (bounded) before buffers are freed.
#include <liburing.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "io/echo_server.h"

namespace io {
namespace {

enum Submit { each = 0, batch = 1, defer = 2 };

constexpr std::uint64_t kAccept = 1, kStop = 2, kCancel = 3;
constexpr std::uint64_t kOpMask = 7, kRecv = 0, kSend = 4;

struct alignas(8) Conn {
  Fd fd;
  std::size_t offset = 0, end = 0;
  char buffer[kServerBuffer];
};

unsigned setup_flags(int variant) {
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
    io_uring_prep_recv(entry, conn.fd.get(), conn.buffer, sizeof conn.buffer, 0);
    io_uring_sqe_set_data64(entry, reinterpret_cast<std::uint64_t>(&conn) | kRecv);
    submitted();
  }
  void arm_send(Conn& conn) {
    io_uring_sqe* entry = sqe();
    io_uring_prep_send(entry, conn.fd.get(), conn.buffer + conn.offset, conn.end - conn.offset, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(entry, reinterpret_cast<std::uint64_t>(&conn) | kSend);
    submitted();
  }
  void close(Conn& conn) { conns_[static_cast<std::size_t>(conn.fd.get())].reset(); }

  // Handles one completion; false when the stop signal arrived.
  bool complete(std::uint64_t data, int result) {
    --inflight_;
    if (data == kStop) return false;
    if (data == kCancel) return true;
    if (data == kAccept) {
      if (result >= 0) {
        set_nodelay(result);
        if (static_cast<std::size_t>(result) >= conns_.size()) conns_.resize(static_cast<std::size_t>(result) + 1);
        auto conn = std::make_unique<Conn>();
        conn->fd = Fd(result);
        arm_recv(*conn);
        conns_[static_cast<std::size_t>(result)] = std::move(conn);
      }
      if (result >= 0 || result == -EINTR || result == -ECONNABORTED || result == -EAGAIN) arm_accept();
      return true;
    }
    Conn& conn = *reinterpret_cast<Conn*>(data & ~kOpMask);
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
        if (!complete(cqe->user_data, cqe->res)) running = false;
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
      --inflight_;
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
  std::vector<std::unique_ptr<Conn>> conns_;  // by descriptor
  std::thread thread_;
};

std::string limit(int, int variant) {
  if (variant != defer) return "";
  static const std::string reason = [] {
    io_uring ring{};
    const int failed = init_ring(ring, defer);
    if (failed < 0) return std::string("IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN not supported: ") + std::strerror(-failed);
    io_uring_queue_exit(&ring);
    return std::string();
  }();
  return reason;
}

[[maybe_unused]] const bool registered = register_echo_server({
    "io_uring",
    "one thread, liburing completions for accept/recv/send (submit:each = one submit per request, "
    "submit:batch, submit:defer = batch with SINGLE_ISSUER|DEFER_TASKRUN)",
    [](Fd listener, int variant) -> std::unique_ptr<EchoServer> {
      return std::make_unique<UringServer>(std::move(listener), variant);
    },
    "submit",
    {"each", "batch", "defer"},
    limit,
});

}  // namespace
}  // namespace io
