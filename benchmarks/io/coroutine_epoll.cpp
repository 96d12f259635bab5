// coroutine_epoll: the asyncio shape. One thread runs an epoll loop; every connection is a C++20
// coroutine written as straight-line blocking code (`n = co_await read(...)`, `co_await
// write_all(...)`) that suspends on EAGAIN and is resumed by the loop when its socket is ready.
// Sockets are registered once, edge-triggered, for in and out; the acceptor is a coroutine too.
// At stop the loop destroys every coroutine still suspended; their frames close their sockets.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <coroutine>
#include <exception>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <vector>

#include "io/echo_server.h"

namespace io {
namespace {

class Loop;

// A fire-and-forget coroutine: starts at once, frees its frame when it finishes; the loop keeps
// a handle while it is alive so that it can destroy it at stop.
struct Task {
  struct promise_type {
    Loop* loop = nullptr;
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};

// Per-socket readiness waiters: the coroutine waiting to read and the one waiting to write.
struct Waiters {
  std::coroutine_handle<> reader, writer;
};

class Loop {
 public:
  Loop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) throw std::runtime_error(errno_text("epoll_create1"));
  }

  void watch(int fd, Waiters& waiters, std::uint32_t events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = &waiters;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw std::runtime_error(errno_text("epoll_ctl"));
  }

  // Runs until the stop descriptor becomes readable.
  void run(int stop_fd) {
    Waiters stop;
    watch(stop_fd, stop, EPOLLIN);  // an eventfd is always writable: in only
    epoll_event events[256];
    for (;;) {
      const int ready = ::epoll_wait(epoll_.get(), events, 256, -1);
      if (ready < 0 && errno != EINTR) return;
      for (int i = 0; i < ready; ++i) {
        auto* waiters = static_cast<Waiters*>(events[i].data.ptr);
        if (waiters == &stop) return;
        const std::uint32_t happened = events[i].events;
        // Take both handles first: resuming one may finish the coroutine and free `waiters`.
        const auto reader = (happened & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                                ? std::exchange(waiters->reader, {})
                                : std::coroutine_handle<>{};
        const auto writer = (happened & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? std::exchange(waiters->writer, {})
                                                                          : std::coroutine_handle<>{};
        if (reader) reader.resume();
        if (writer) writer.resume();
      }
    }
  }

  std::unordered_set<void*> alive;  // frames of coroutines not finished

  ~Loop() {
    // Destroy every suspended coroutine (copy first: each destruction erases itself).
    const std::vector<void*> frames(alive.begin(), alive.end());
    for (void* frame : frames) std::coroutine_handle<>::from_address(frame).destroy();
  }

 private:
  Fd epoll_;
};

// Registers the coroutine's frame with the loop for as long as it lives.
struct Alive {
  Loop& loop;
  void* frame;
  Alive(Loop& l, void* f) : loop(l), frame(f) { loop.alive.insert(frame); }
  ~Alive() { loop.alive.erase(frame); }
};

struct Self {
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> handle) noexcept {
    frame = handle.address();
    return false;
  }
  void* await_resume() const noexcept { return frame; }
  void* frame = nullptr;
};

// Awaits readiness of one direction; the syscall is retried after resumption.
struct Ready {
  std::coroutine_handle<>& slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) noexcept { slot = handle; }
  void await_resume() const noexcept {}
};

Task echo_connection(Loop& loop, int raw_fd) {
  Fd fd(raw_fd);
  Waiters waiters;
  void* frame = co_await Self{};
  const Alive alive(loop, frame);
  try {
    loop.watch(fd.get(), waiters);
  } catch (const std::exception&) {
    co_return;
  }
  char buffer[kServerBuffer];
  for (;;) {
    ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      co_await Ready{waiters.reader};
      continue;
    }
    if (n <= 0) co_return;  // EOF or error: the frame closes the socket
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t w = ::send(fd.get(), buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
      if (w > 0) {
        sent += w;
      } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
        co_await Ready{waiters.writer};
      } else {
        co_return;
      }
    }
  }
}

Task accept_connections(Loop& loop, int listener) {
  Waiters waiters;
  void* frame = co_await Self{};
  const Alive alive(loop, frame);
  loop.watch(listener, waiters);
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) co_return;
      co_await Ready{waiters.reader};
      continue;
    }
    set_nodelay(fd);
    echo_connection(loop, fd);  // runs to its first suspension, then comes back here
  }
}

class CoroutineEpoll final : public EchoServer {
 public:
  explicit CoroutineEpoll(Fd listener) : listener_(std::move(listener)) {
    set_nonblocking(listener_.get());
    thread_ = std::thread([this] {
      Loop loop;
      accept_connections(loop, listener_.get());
      loop.run(stop_.fd());
    });
  }
  ~CoroutineEpoll() override {
    stop_.signal();
    thread_.join();
  }
  int threads() const override { return 1; }

 private:
  Fd listener_;
  StopSignal stop_;
  std::thread thread_;
};

// Both echo workloads, TCP and Unix stream, with the same server.
constexpr MakeServer kMake = [](Fd listener, int) -> std::unique_ptr<EchoServer> {
  return std::make_unique<CoroutineEpoll>(std::move(listener));
};

YB_REGISTER_IMPLEMENTATION({
    .name = "coroutine_epoll",
    .description =
        "C++20 coroutines on a one-thread edge-triggered epoll loop, one coroutine per connection (the asyncio shape)",
    .functions = {yb::implements(echo_tcp, kMake), yb::implements(echo_unix, kMake)},
});

}  // namespace
}  // namespace io
