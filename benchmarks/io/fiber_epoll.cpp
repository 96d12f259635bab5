// fiber_epoll: the gevent shape. One thread runs an epoll loop; every connection is a stackful
// Boost.Context fiber running plain blocking-style code (recv, send, loop). When a call says
// EAGAIN the fiber records which direction it waits for and switches back to the loop, which
// switches into it again when epoll reports that direction ready; the call is then retried.
// Unlike coroutine_epoll nothing in the handler is marked async: the suspension happens inside
// an ordinary function, and the price is a stack per connection.
//
// Stacks: 64 KiB each (kStackBytes, enough for the handler's 4 KiB buffer and libc's frames),
// mmap'ed with a PROT_NONE guard page below (Boost's protected_fixedsize_stack), so an overflow
// faults instead of corrupting a neighbour, and the resident part of every stack can be counted
// with mincore (stack_bytes_per_conn). Two mappings per fiber: 10,000 connections take 20,000 of
// vm.max_map_count (65,530 by default).
//
// Sockets are registered once, edge-triggered, for in and out. At stop the loop destroys every
// fiber still suspended (Boost unwinds its stack) and then closes its socket. Every switch is
// announced to AddressSanitizer (harness/fiber_sanitizer.h; nothing without it); TSan builds
// compile this file without TSan's call tracking (CMakeLists.txt), as that header explains.
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cerrno>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fiber_sanitizer.h"
#include "io/echo_server.h"

namespace io {
namespace {

namespace context = boost::context;

constexpr std::size_t kStackBytes = 64 * 1024;

// Every fiber stack alive, so the benchmark thread can count their resident pages while the
// loop thread creates and frees them.
class StackRegistry {
 public:
  void add(const context::stack_context& stack) {
    std::lock_guard lock(mutex_);
    stacks_.emplace(stack.sp, stack.size);
  }
  void remove(const context::stack_context& stack) {
    std::lock_guard lock(mutex_);
    stacks_.erase(stack.sp);
  }
  std::int64_t resident_bytes() const {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    std::lock_guard lock(mutex_);
    std::vector<unsigned char> resident;
    std::int64_t total = 0;
    for (const auto& [top, size] : stacks_) {
      resident.resize(size / page);
      // A stack grows down from sp: its mapping (guard page included) is [sp - size, sp).
      if (::mincore(static_cast<char*>(top) - size, size, resident.data()) != 0) continue;
      for (const unsigned char bits : resident) total += (bits & 1) ? static_cast<std::int64_t>(page) : 0;
    }
    return total;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<void*, std::size_t> stacks_;  // top of stack -> mapped size
};

// Boost's guard-page stack, reporting every stack to the registry (a Boost.Context StackAllocator).
class RegisteredStack {
 public:
  explicit RegisteredStack(StackRegistry& registry) : registry_(&registry) {}
  context::stack_context allocate() {
    context::stack_context stack = inner_.allocate();
    try {
      registry_->add(stack);
    } catch (...) {
      inner_.deallocate(stack);
      throw;
    }
    return stack;
  }
  void deallocate(context::stack_context& stack) noexcept {
    registry_->remove(stack);  // under ASan, yb::sanitizer_visible's wrapper has unpoisoned it already
    inner_.deallocate(stack);
  }

 private:
  context::protected_fixedsize_stack inner_{kStackBytes};
  StackRegistry* registry_;
};

enum class Wait { none, read, write };

struct Connection {
  Fd fd;  // closed after the fiber is gone (see the destructor): an unwinding fiber never sees it closed
  Wait waiting = Wait::none;
  [[no_unique_address]] yb::StackBounds stack;       // the fiber's (written by its stack allocator)
  [[no_unique_address]] yb::StackBounds loop_stack;  // the loop thread's
  context::fiber loop;                               // the loop, while this connection's fiber runs
  context::fiber fiber;  // this connection's fiber, while it is suspended; empty once it has finished

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Destroying a suspended fiber switches to it (Boost unwinds its stack), so it is announced.
  ~Connection() {
    if (!fiber) return;
    yb::FiberSwitch to_fiber(stack);
    fiber = context::fiber();
  }

  // Called on the connection's fiber: back to the loop until `direction` is ready.
  void wait(Wait direction) {
    waiting = direction;
    yb::FiberSwitch to_loop(loop_stack);
    loop = std::move(loop).resume();
    loop_stack = to_loop.landed();
    waiting = Wait::none;
  }
};

// The handler, as a thread-per-connection server would write it; only wait() differs.
void echo(Connection& conn) {
  char buffer[kServerBuffer];
  for (;;) {
    const ssize_t n = ::recv(conn.fd.get(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      conn.wait(Wait::read);
      continue;
    }
    if (n <= 0) return;  // EOF or an error: the connection ends
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t w = ::send(conn.fd.get(), buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
      if (w > 0) {
        sent += w;
      } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
        conn.wait(Wait::write);
      } else {
        return;
      }
    }
  }
}

class FiberEpoll final : public EchoServer {
 public:
  explicit FiberEpoll(Fd listener) : listener_(std::move(listener)), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) throw std::runtime_error(errno_text("epoll_create1"));
    set_nonblocking(listener_.get());
    watch(listener_.get(), EPOLLIN, &listener_);
    watch(stop_.fd(), EPOLLIN, &stop_);
    thread_ = std::thread([this] {
      loop();
      conns_.clear();  // on the loop thread: unwinds every suspended fiber, then closes its socket
    });
  }

  ~FiberEpoll() override {
    stop_.signal();
    thread_.join();
  }

  int threads() const override { return 1; }
  std::int64_t mapped_resident_bytes() const override { return stacks_.resident_bytes(); }

 private:
  void watch(int fd, std::uint32_t events, void* tag) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = tag;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw std::runtime_error(errno_text("epoll_ctl"));
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
        Connection& conn = *static_cast<Connection*>(tag);
        const std::uint32_t happened = events[i].events;
        const bool readable = happened & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
        const bool writable = happened & (EPOLLOUT | EPOLLHUP | EPOLLERR);
        if ((conn.waiting == Wait::read && readable) || (conn.waiting == Wait::write && writable)) switch_to(conn);
      }
    }
  }

  // Runs the connection's fiber until it waits again or finishes (then the connection goes).
  void switch_to(Connection& conn) {
    yb::FiberSwitch to_fiber(conn.stack);
    conn.fiber = std::move(conn.fiber).resume();
    to_fiber.landed();
    if (!conn.fiber) conns_[static_cast<std::size_t>(conn.fd.get())].reset();  // close() deregisters
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: none left (or an error the next report retries)
      set_nodelay(fd);
      auto conn = std::make_unique<Connection>();
      conn->fd = Fd(fd);
      try {
        Connection* self = conn.get();
        conn->fiber = context::fiber(std::allocator_arg, yb::sanitizer_visible(RegisteredStack(stacks_), &self->stack),
                                     [self](context::fiber&& loop) {
                                       self->loop_stack = yb::fiber_entered();
                                       self->loop = std::move(loop);
                                       yb::run_fiber_body([self] { echo(*self); }, self->loop_stack);
                                       return std::move(self->loop);
                                     });
        watch(fd, EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP, self);
      } catch (const std::exception&) {
        continue;  // no stack or no registration: conn's destructor closes the socket
      }
      if (static_cast<std::size_t>(fd) >= conns_.size()) conns_.resize(static_cast<std::size_t>(fd) + 1);
      Connection& placed = *(conns_[static_cast<std::size_t>(fd)] = std::move(conn));
      switch_to(placed);  // to its first wait: it reads at once, like a freshly spawned greenlet
    }
  }

  Fd listener_;
  Fd epoll_;
  StopSignal stop_;
  StackRegistry stacks_;
  std::vector<std::unique_ptr<Connection>> conns_;  // by descriptor
  std::thread thread_;
};

// Both echo workloads, TCP and Unix stream, with the same server.
constexpr MakeServer kMake = [](Fd listener, int) -> std::unique_ptr<EchoServer> {
  return std::make_unique<FiberEpoll>(std::move(listener));
};

YB_REGISTER_IMPLEMENTATION({
    .name = "fiber_epoll",
    .description =
        "Boost.Context fibers (64 KiB guard-page stacks) on a one-thread edge-triggered epoll loop, one fiber per "
        "connection written as blocking code (the gevent shape)",
    .functions = {yb::implements(echo_tcp, kMake), yb::implements(echo_unix, kMake)},
});

}  // namespace
}  // namespace io
