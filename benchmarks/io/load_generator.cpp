#include "io/load_generator.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace io {

using clock = std::chrono::steady_clock;

LoadGenerator::LoadGenerator(const Address& address, Transport transport, EchoShape shape,
                             std::chrono::milliseconds timeout, Connect when)
    : address_(address), transport_(transport), shape_(shape), timeout_(timeout) {
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
  if (shape_.conns == 1) {
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
  if (!error_.empty()) return kFailed;
  if (messages < 0) messages = shape_.messages;
  return shape_.conns == 1 ? run_blocking(latency, messages) : run_polled(latency, messages);
}

void LoadGenerator::begin_message(Conn& conn, int index) {
  const std::uint64_t id = message_id(index, conn.message);
  std::memcpy(conn.out.data(), &id, sizeof id);
  conn.sent = 0;
  conn.received = 0;
  conn.start = clock::now();
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
    begin_message(conn, 0);
    while (conn.sent < size) {
      const ssize_t n = ::send(fd, conn.out.data() + conn.sent, size - conn.sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(errno == EAGAIN ? "timeout: send blocked " + std::to_string(timeout_.count()) + " ms"
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
    if (clock::now() > deadline) return fail("timeout: operation longer than " + std::to_string(timeout_.count()) + " ms");
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
        begin_message(conn, index);
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
    begin_message(conn, i);
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

}  // namespace io
