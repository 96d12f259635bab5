// pipe_ping_pong: one-byte round trips over a pair of pipes; the echo side blocking, on epoll, or
// on io_uring. See pipe_file.h.
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "io/io_support.h"
#include "io/kernel_features.h"
#include "io/pipe_file.h"
#include "io/workloads.h"
#include "measure.h"
#include "registry.h"

namespace io {
namespace {

void echo_blocking(int in, int out) {
  char byte;
  for (;;) {
    const ssize_t n = ::read(in, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || ::write(out, &byte, 1) != 1) return;
  }
}

void echo_epoll(int in, int out) {
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  epoll_event event{};
  event.events = EPOLLIN;
  if (!epoll || ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, in, &event) != 0) return;
  set_nonblocking(in);
  char byte;
  for (;;) {
    const int ready = ::epoll_wait(epoll.get(), &event, 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return;
    const ssize_t n = ::read(in, &byte, 1);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0 || ::write(out, &byte, 1) != 1) return;  // EOF: the ping side closed
  }
}

void echo_io_uring(int in, int out) {
  io_uring ring{};
  if (io_uring_queue_init(4, &ring, 0) < 0) return;
  char byte;
  bool reading = true;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_read(sqe, in, &byte, 1, static_cast<std::uint64_t>(-1));
  for (;;) {
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_submit_and_wait(&ring, 1);
    if (waited < 0 && waited != -EINTR) break;
    if (io_uring_peek_cqe(&ring, &cqe) != 0) continue;
    const int result = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    if (result <= 0) break;  // EOF or error; nothing else is in flight
    reading = !reading;
    sqe = io_uring_get_sqe(&ring);
    if (reading) {
      io_uring_prep_read(sqe, in, &byte, 1, static_cast<std::uint64_t>(-1));
    } else {
      io_uring_prep_write(sqe, out, &byte, 1, static_cast<std::uint64_t>(-1));
    }
  }
  io_uring_queue_exit(&ring);
}

}  // namespace

PipePingPong::PipePingPong(PipeEcho echo, std::chrono::milliseconds timeout) : timeout_(timeout) {
  // Else the echo thread would end at once and the first ping wait out the timeout.
  if (echo == PipeEcho::io_uring && !io_uring_unavailable().empty()) throw std::runtime_error(io_uring_unavailable());
  int ping[2], pong[2];
  if (::pipe2(ping, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  ping_read_ = Fd(ping[0]);
  ping_write_ = Fd(ping[1]);
  if (::pipe2(pong, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  pong_read_ = Fd(pong[0]);
  pong_write_ = Fd(pong[1]);
  const int in = ping_read_.get(), out = pong_write_.get();
  switch (echo) {
    case PipeEcho::blocking: echo_ = std::thread(echo_blocking, in, out); break;
    case PipeEcho::epoll: echo_ = std::thread(echo_epoll, in, out); break;
    case PipeEcho::io_uring: echo_ = std::thread(echo_io_uring, in, out); break;
  }
}

PipePingPong::~PipePingPong() {
  ping_write_.reset();  // EOF for the echo side, whichever way it waits
  echo_.join();
}

std::uint64_t PipePingPong::run(std::uint64_t round_trips, yb::LatencyHistogram* latency) {
  using clock = std::chrono::steady_clock;
  if (!error_.empty()) return ~std::uint64_t{0};
  std::uint64_t sum = 0;
  const auto timeout_ms = static_cast<int>(timeout_.count());
  for (std::uint64_t i = 0; i < round_trips; ++i) {
    const auto start = latency != nullptr ? clock::now() : clock::time_point{};
    const unsigned char ping = ping_byte(i);
    if (::write(ping_write_.get(), &ping, 1) != 1) {
      error_ = errno_text("pipe write");
      return ~std::uint64_t{0};
    }
    pollfd wait{pong_read_.get(), POLLIN, 0};
    int ready;
    while ((ready = ::poll(&wait, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    unsigned char pong = 0;
    if (ready == 0) {
      error_ = "timeout: no echo on the pipe within " + std::to_string(timeout_.count()) + " ms (round trip " +
               std::to_string(i) + ")";
      return ~std::uint64_t{0};
    }
    if (ready < 0 || ::read(pong_read_.get(), &pong, 1) != 1) {
      error_ = "the echo side closed its pipe or failed at round trip " + std::to_string(i);
      return ~std::uint64_t{0};
    }
    if (latency != nullptr) {
      latency->record(static_cast<std::uint64_t>(std::chrono::nanoseconds(clock::now() - start).count()));
    }
    sum += pong;
  }
  return sum;
}

const yb::Workload<PipeEcho> pipe_ping_pong{
    "io",
    "pipe_ping_pong",
    "n one-byte round trips over two pipes to an echo thread; the pinging side polls (bounded) "
    "then reads, the same for every echo side; lat_* per round trip (write to read back), each timed by "
    "the pinging side in the harness's latency pass",
    "round trip",
    {{"n", {std::uint64_t{kPipeRoundTrips}}}},
    [](benchmark::State& state, const yb::Implementation&, const PipeEcho& echo, const yb::Point& point,
       const yb::Variant&) {
      const auto round_trips = point.number("n");
      std::unique_ptr<PipePingPong> pipes;
      try {
        pipes = std::make_unique<PipePingPong>(echo, operation_timeout());
      } catch (const std::exception& error) {
        state.SkipWithError((std::string("setup failed: ") + error.what()).c_str());
        return;
      }
      bool reported = false;
      yb::measure(state, {pipe_checksum(round_trips), static_cast<std::int64_t>(round_trips)},
                  [&](yb::LatencyHistogram* latency) {
                    const std::uint64_t sum = pipes->run(round_trips, latency);
                    if (!pipes->error().empty() && !reported) {
                      reported = true;
                      state.SkipWithError(pipes->error().c_str());
                    }
                    return sum;
                  });
      if (!state.error_occurred()) {
        add_per_request(state, static_cast<double>(round_trips));
        state.counters["server_threads"] = 1;
      }
    },
    [](const yb::Point& point) { return pipe_checksum(point.number("n")); }};

namespace {

// The echo sides, kept together in this file: epoll and io_uring are described by their servers.
YB_REGISTER_IMPLEMENTATION({
    .name = "blocking",
    .description = "pipe echo thread in blocking read/write",
    .functions = {yb::implements(pipe_ping_pong, PipeEcho::blocking)},
});
YB_REGISTER_IMPLEMENTATION({.name = "epoll", .functions = {yb::implements(pipe_ping_pong, PipeEcho::epoll)}});
YB_REGISTER_IMPLEMENTATION({
    .name = "io_uring",
    .functions = {yb::implements(pipe_ping_pong, PipeEcho::io_uring)},
    .unavailable = [](const yb::WorkloadBase&, const yb::Point&, const yb::Variant&) { return io_uring_unavailable(); },
});

}  // namespace
}  // namespace io
