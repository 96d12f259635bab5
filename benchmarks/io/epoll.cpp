// epoll: one thread, non-blocking sockets, an epoll readiness loop. trigger:level (the default
// shape: read once per readiness report; EPOLLOUT only while an echo is half-sent) or
// trigger:edge (registered once for in and out, EPOLLET; each report drained until EAGAIN).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "io/echo_server.h"

namespace io {
namespace {

struct Conn {
  Fd fd;
  std::size_t pending_offset = 0, pending_end = 0;  // an echo not yet fully sent
  bool want_out = false;                            // level mode: registered for EPOLLOUT
  char buffer[kServerBuffer];
};

class EpollServer final : public EchoServer {
 public:
  EpollServer(Fd listener, bool edge)
      : listener_(std::move(listener)), edge_(edge), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) throw std::runtime_error(errno_text("epoll_create1"));
    set_nonblocking(listener_.get());
    add(listener_.get(), EPOLLIN, &listener_);
    add(stop_.fd(), EPOLLIN, &stop_);
    thread_ = std::thread([this] { loop(); });
  }

  ~EpollServer() override {
    stop_.signal();
    thread_.join();
  }

  int threads() const override { return 1; }

 private:
  void add(int fd, std::uint32_t events, void* tag) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = tag;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw std::runtime_error(errno_text("epoll_ctl"));
  }

  void modify(Conn& conn, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &conn;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, conn.fd.get(), &event);
  }

  void loop() {
    epoll_event events[256];
    for (;;) {
      const int ready = ::epoll_wait(epoll_.get(), events, 256, -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < ready; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &stop_) return;
        if (tag == &listener_) {
          accept_all();
          continue;
        }
        Conn& conn = *static_cast<Conn*>(tag);
        if (!(edge_ ? serve_edge(conn) : serve_level(conn))) close(conn);
      }
    }
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: none left (or an error the next report retries)
      set_nodelay(fd);
      if (static_cast<std::size_t>(fd) >= conns_.size()) conns_.resize(static_cast<std::size_t>(fd) + 1);
      auto conn = std::make_unique<Conn>();
      conn->fd = Fd(fd);
      try {
        add(fd, edge_ ? EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP : EPOLLIN, conn.get());
      } catch (const std::exception&) {
        continue;  // conn's destructor closes the socket
      }
      conns_[static_cast<std::size_t>(fd)] = std::move(conn);
    }
  }

  void close(Conn& conn) { conns_[static_cast<std::size_t>(conn.fd.get())].reset(); }  // close() deregisters

  // Sends what is pending; true when all of it went (false: the socket is full, or failed with `ok` false).
  static bool flush(Conn& conn, bool& ok) {
    while (conn.pending_offset < conn.pending_end) {
      const ssize_t w = ::send(conn.fd.get(), conn.buffer + conn.pending_offset, conn.pending_end - conn.pending_offset,
                               MSG_NOSIGNAL);
      if (w > 0) {
        conn.pending_offset += static_cast<std::size_t>(w);
        continue;
      }
      ok = w < 0 && (errno == EAGAIN || errno == EINTR);
      return false;
    }
    return true;
  }

  // One readiness report, level-triggered: finish a pending echo, else one read and its echo.
  bool serve_level(Conn& conn) {
    bool ok = true;
    if (conn.pending_offset < conn.pending_end) {
      if (!flush(conn, ok)) return ok;
      conn.want_out = false;
      modify(conn, EPOLLIN);
      return true;
    }
    const ssize_t n = ::recv(conn.fd.get(), conn.buffer, sizeof conn.buffer, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    conn.pending_offset = 0;
    conn.pending_end = static_cast<std::size_t>(n);
    if (flush(conn, ok)) return true;
    if (!ok) return false;
    conn.want_out = true;
    modify(conn, EPOLLOUT);  // stop reading until the echo is out
    return true;
  }

  // One edge report: read and echo until the socket says EAGAIN.
  bool serve_edge(Conn& conn) {
    for (;;) {
      bool ok = true;
      if (!flush(conn, ok)) return ok;
      const ssize_t n = ::recv(conn.fd.get(), conn.buffer, sizeof conn.buffer, 0);
      if (n == 0) return false;
      if (n < 0) return errno == EAGAIN || errno == EINTR;
      conn.pending_offset = 0;
      conn.pending_end = static_cast<std::size_t>(n);
    }
  }

  Fd listener_;
  bool edge_;
  Fd epoll_;
  StopSignal stop_;
  std::vector<std::unique_ptr<Conn>> conns_;  // by descriptor
  std::thread thread_;
};

// Both echo workloads, TCP and Unix stream, with the same server.
constexpr MakeServer kMake = [](Fd listener, int variant) -> std::unique_ptr<EchoServer> {
  return std::make_unique<EpollServer>(std::move(listener), variant == 1);
};

YB_REGISTER_IMPLEMENTATION({
    .name = "epoll",
    .description = "one thread, non-blocking sockets on an epoll readiness loop (trigger:level, trigger:edge)",
    .functions = {yb::implements(echo_tcp, kMake), yb::implements(echo_unix, kMake)},
    .variants = variants("trigger", {"level", "edge"}),
});

}  // namespace
}  // namespace io
