#include "io/load_generator.h"

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace io {

using clock = std::chrono::steady_clock;

LoadGenerator::LoadGenerator(const Address& address, Transport transport, EchoShape shape,
                             std::chrono::milliseconds timeout, Connect when, Load load)
    : address_(address), transport_(transport), shape_(shape), timeout_(timeout), load_(load) {
  if (shape.size <= 8) throw std::runtime_error("echo message size must be > 8 bytes (an id, then the pattern)");
  conns_.resize(static_cast<std::size_t>(shape.conns));
  for (int i = 0; i < shape.conns; ++i) {
    Conn& conn = conns_[static_cast<std::size_t>(i)];
    conn.out.assign(static_cast<std::size_t>(shape.size), pattern_byte(i));
    conn.in.assign(static_cast<std::size_t>(shape.size), 0);
  }
  if (when == Connect::now) connect();
}

void LoadGenerator::connect() {
  for (Conn& conn : conns_) conn.fd = connect_to(address_, transport_);
  if (shape_.conns == 1 && load_ == Load::closed) {
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
    limit.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
    ::setsockopt(conns_[0].fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(conns_[0].fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    return;
  }
  epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw std::runtime_error(errno_text("client epoll_create1"));
  for (int i = 0; i < shape_.conns; ++i) {
    const int fd = conns_[static_cast<std::size_t>(i)].fd.get();
    set_nonblocking(fd);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
    event.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw std::runtime_error(errno_text("epoll_ctl"));
  }
}

LoadGenerator::~LoadGenerator() = default;

std::uint64_t LoadGenerator::fail(std::string what) {
  if (error_.empty()) error_ = std::move(what);
  return kFailed;
}

std::uint64_t LoadGenerator::run(yb::LatencyHistogram* latency, int messages) {
  if (load_ == Load::closed) return run_closed(latency, messages);
  if (!error_.empty()) return kFailed;
  if (messages < 0) messages = shape_.messages;
  return run_open(latency, messages);
}

std::uint64_t LoadGenerator::run_closed(yb::LatencyHistogram* latency, int messages) {
  if (!error_.empty()) return kFailed;
  if (messages < 0) messages = shape_.messages;
  return epoll_ ? run_polled(latency, messages) : run_blocking(latency, messages);
}

double LoadGenerator::closed_loop_rate(int operations) {
  std::array<double, 9> seconds{};
  operations = std::clamp(operations, 1, static_cast<int>(seconds.size()));
  for (int i = 0; i < operations; ++i) {
    const auto start = clock::now();
    if (run_closed() == kFailed) return 0;
    seconds[static_cast<std::size_t>(i)] = std::chrono::duration<double>(clock::now() - start).count();
  }
  const auto median = seconds.begin() + operations / 2;
  std::nth_element(seconds.begin(), median, seconds.begin() + operations);
  return static_cast<double>(shape_.requests()) / *median;
}

void LoadGenerator::load_message(Conn& conn, int index, int message) {
  const std::uint64_t id = message_id(index, message);
  std::memcpy(conn.out.data(), &id, sizeof id);
  conn.sent = 0;
}

void LoadGenerator::begin_message(Conn& conn, int index, bool timed) {
  load_message(conn, index, conn.message);
  conn.received = 0;
  if (timed) conn.start = clock::now();
}

namespace {
std::uint64_t message_sum(const std::vector<unsigned char>& in) {
  std::uint64_t id;
  std::memcpy(&id, in.data(), sizeof id);
  return id + in.back();
}
}  // namespace

std::uint64_t LoadGenerator::run_blocking(yb::LatencyHistogram* latency, int messages) {
  Conn& conn = conns_[0];
  const int fd = conn.fd.get();
  const auto size = static_cast<std::size_t>(shape_.size);
  const auto deadline = clock::now() + timeout_;
  std::uint64_t sum = 0;
  for (conn.message = 0; conn.message < messages; ++conn.message) {
    begin_message(conn, 0, latency != nullptr);
    while (conn.sent < size) {
      const ssize_t n = ::send(fd, conn.out.data() + conn.sent, size - conn.sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return fail(errno == EAGAIN ? "timeout: send blocked " + std::to_string(timeout_.count()) + " ms"
                                    : errno_text("send"));
      conn.sent += static_cast<std::size_t>(n);
    }
    while (conn.received < size) {
      const ssize_t n = ::recv(fd, conn.in.data() + conn.received, size - conn.received, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) return fail("server closed the connection after " + std::to_string(conn.message) + " echoes");
      if (n < 0) {
        return fail(errno == EAGAIN ? "timeout: no echo within " + std::to_string(timeout_.count()) + " ms (message " +
                                          std::to_string(conn.message) + ")"
                                    : errno_text("recv"));
      }
      conn.received += static_cast<std::size_t>(n);
    }
    if (latency != nullptr) {
      latency->record(static_cast<std::uint64_t>(std::chrono::nanoseconds(clock::now() - conn.start).count()));
    }
    sum += message_sum(conn.in);
    if (clock::now() > deadline)
      return fail("timeout: operation longer than " + std::to_string(timeout_.count()) + " ms");
  }
  return sum;
}

bool LoadGenerator::progress(int index, int messages, yb::LatencyHistogram* latency, std::uint64_t& sum,
                             int& finished) {
  Conn& conn = conns_[static_cast<std::size_t>(index)];
  const int fd = conn.fd.get();
  const auto size = static_cast<std::size_t>(shape_.size);
  while (!conn.done) {
    if (conn.sent < size) {
      const ssize_t n = ::send(fd, conn.out.data() + conn.sent, size - conn.sent, MSG_NOSIGNAL);
      if (n > 0) {
        conn.sent += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
      fail(errno_text("send"));
      return false;
    }
    const ssize_t n = ::recv(fd, conn.in.data() + conn.received, size - conn.received, 0);
    if (n > 0) {
      conn.received += static_cast<std::size_t>(n);
      if (conn.received < size) continue;
      if (latency != nullptr) {
        latency->record(static_cast<std::uint64_t>(std::chrono::nanoseconds(clock::now() - conn.start).count()));
      }
      sum += message_sum(conn.in);
      if (++conn.message == messages) {
        conn.done = true;
        ++finished;
      } else {
        begin_message(conn, index, latency != nullptr);
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    fail(n == 0 ? "server closed connection " + std::to_string(index) + " after " + std::to_string(conn.message) +
                      " echoes"
                : errno_text("recv"));
    return false;
  }
  return true;
}

std::uint64_t LoadGenerator::run_polled(yb::LatencyHistogram* latency, int messages) {
  const auto deadline = clock::now() + timeout_;
  std::uint64_t sum = 0;
  int finished = 0;
  for (int i = 0; i < shape_.conns; ++i) {
    Conn& conn = conns_[static_cast<std::size_t>(i)];
    conn.done = false;
    conn.message = 0;
    begin_message(conn, i, latency != nullptr);
  }
  for (int i = 0; i < shape_.conns; ++i) {
    if (!progress(i, messages, latency, sum, finished)) return kFailed;
  }
  epoll_event events[256];
  while (finished < shape_.conns) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    const int ready = left <= 0 ? 0 : ::epoll_wait(epoll_.get(), events, 256, static_cast<int>(left) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return fail(errno_text("client epoll_wait"));
    if (ready == 0 && clock::now() >= deadline) {
      return fail("timeout: " + std::to_string(shape_.conns - finished) + " of " + std::to_string(shape_.conns) +
                  " connections still waiting for an echo after " + std::to_string(timeout_.count()) + " ms");
    }
    for (int e = 0; e < ready; ++e) {
      if (!progress(static_cast<int>(events[e].data.u32), messages, latency, sum, finished)) return kFailed;
    }
  }
  return sum;
}

namespace {

// Open-loop requests are due every few microseconds; with the default 50 us timer slack the
// wait for the next one would end up to 50 us late, and that lateness would count as latency.
class TimerSlack {
 public:
  explicit TimerSlack(unsigned long nanoseconds) : previous_(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) {
    ::prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0);
  }
  ~TimerSlack() {
    if (previous_ > 0) ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(previous_), 0, 0, 0);
  }
  TimerSlack(const TimerSlack&) = delete;
  TimerSlack& operator=(const TimerSlack&) = delete;

 private:
  long previous_;
};

timespec timespec_of(clock::duration wait) {
  const auto ns = std::max<std::int64_t>(0, std::chrono::nanoseconds(wait).count());
  return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

clock::time_point LoadGenerator::Schedule::due(std::int64_t request) const {
  return start + std::chrono::nanoseconds(std::llround(static_cast<double>(request) * interval_ns));
}

bool LoadGenerator::progress_open(int index, const Schedule& schedule, yb::LatencyHistogram* latency,
                                  std::uint64_t& sum, int& finished) {
  Conn& conn = conns_[static_cast<std::size_t>(index)];
  const int fd = conn.fd.get();
  const auto size = static_cast<std::size_t>(shape_.size);
  // Send every message that is due, one after the other, until the socket would block.
  while (conn.sending < conn.released) {
    const ssize_t n = ::send(fd, conn.out.data() + conn.sent, size - conn.sent, MSG_NOSIGNAL);
    if (n > 0) {
      conn.sent += static_cast<std::size_t>(n);
      if (conn.sent == size && ++conn.sending < conn.released) load_message(conn, index, conn.sending);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    fail(errno_text("send"));
    return false;
  }
  // Take in every echo that has arrived: they come back in the order their messages left.
  while (conn.message < conn.released) {
    const ssize_t n = ::recv(fd, conn.in.data() + conn.received, size - conn.received, 0);
    if (n > 0) {
      conn.received += static_cast<std::size_t>(n);
      if (conn.received < size) continue;
      if (latency != nullptr) {
        const auto intended = schedule.due(static_cast<std::int64_t>(conn.message) * shape_.conns + index);
        latency->record(static_cast<std::uint64_t>(std::chrono::nanoseconds(clock::now() - intended).count()));
      }
      sum += message_sum(conn.in);
      conn.received = 0;
      if (++conn.message == schedule.messages) {
        conn.done = true;
        ++finished;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    fail(n == 0 ? "server closed connection " + std::to_string(index) + " after " + std::to_string(conn.message) +
                      " echoes"
                : errno_text("recv"));
    return false;
  }
  return true;
}

std::uint64_t LoadGenerator::run_open(yb::LatencyHistogram* latency, int messages) {
  if (!(rate_ > 0)) return fail("open loop without a rate (set_rate)");
  const TimerSlack precise_wakeups(1000);
  const std::int64_t requests = static_cast<std::int64_t>(shape_.conns) * messages;
  const Schedule schedule{clock::now(), 1e9 / rate_, messages};
  const auto deadline = schedule.start + timeout_;
  for (Conn& conn : conns_) {
    conn.sent = conn.received = 0;
    conn.message = conn.released = conn.sending = 0;
    conn.done = false;
  }
  std::uint64_t sum = 0;
  int finished = 0;
  std::int64_t next = 0;  // the next request to come due
  epoll_event events[256];
  while (finished < shape_.conns) {
    const auto now = clock::now();
    for (; next < requests && schedule.due(next) <= now; ++next) {
      const int index = static_cast<int>(next % shape_.conns);
      Conn& conn = conns_[static_cast<std::size_t>(index)];
      if (conn.released++ == conn.sending) load_message(conn, index, conn.sending);  // it had nothing to send
      if (!progress_open(index, schedule, latency, sum, finished)) return kFailed;
    }
    if (now >= deadline) {
      return fail("timeout: open loop, " + std::to_string(shape_.conns - finished) + " of " +
                  std::to_string(shape_.conns) + " connections still waiting for echoes after " +
                  std::to_string(timeout_.count()) + " ms");
    }
    const timespec wait = timespec_of((next < requests ? std::min(schedule.due(next), deadline) : deadline) - now);
    const int ready = ::epoll_pwait2(epoll_.get(), events, 256, &wait, nullptr);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return fail(errno_text("client epoll_pwait2"));
    for (int e = 0; e < ready; ++e) {
      if (!progress_open(static_cast<int>(events[e].data.u32), schedule, latency, sum, finished)) return kFailed;
    }
  }
  return sum;
}

}  // namespace io
