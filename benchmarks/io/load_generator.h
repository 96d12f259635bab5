// The load generator: the same client code for every server. It opens C connections to the
// server's address and, per operation, sends M messages of S bytes on each, all connections at
// once, in one of two ways:
//   closed loop (the default): the next message of a connection leaves when the echo of the
//     previous one is complete; a request's latency runs from its send to its echo;
//   open loop: requests leave at a fixed rate whatever the echoes do. Request j of an operation
//     (connection j % C, its message j / C) is due at start + j / rate and sent as soon as it is
//     due, behind any earlier ones still in flight on its connection; its latency runs from that
//     intended send time, so time spent queueing behind a slow server is counted instead of
//     hidden (coordinated omission).
//
// One closed-loop connection is driven with blocking send/recv (SO_RCVTIMEO/SO_SNDTIMEO bound
// every call); several, or any open loop, with non-blocking sockets on the generator's own
// edge-triggered epoll. Every wait is bounded by the operation's deadline: a server that stops
// answering or closes a connection ends the operation with error() set instead of hanging.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "io/net.h"
#include "io/workloads.h"
#include "latency_histogram.h"

namespace io {

class LoadGenerator {
 public:
  static constexpr std::uint64_t kFailed = ~std::uint64_t{0};

  enum class Connect { now, later };
  enum class Load { closed, open };
  // Connects shape.conns connections (or, with Connect::later, only allocates what they need and
  // leaves connect() to the caller); throws std::runtime_error when one cannot be opened.
  LoadGenerator(const Address& address, Transport transport, EchoShape shape, std::chrono::milliseconds timeout,
                Connect when = Connect::now, Load load = Load::closed);
  // Opens the connections without allocating, so a caller counting a server's heap can connect
  // while the server accepts: more connections than the listen backlog (somaxconn) only complete
  // while someone accepts them.
  void connect();
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // One operation: `messages` (default: shape.messages) per connection; every request's latency
  // (from the send of its first byte, open loop: from its intended send time, to the receipt of
  // its last) goes into `latency` when given. Returns the checksum, or kFailed with error() set;
  // after a failure every call returns kFailed at once. Open loop: needs set_rate() first.
  std::uint64_t run(yb::LatencyHistogram* latency = nullptr, int messages = -1);
  // One closed-loop operation, whatever the generator's load (priming, calibrating the open loop).
  std::uint64_t run_closed(yb::LatencyHistogram* latency = nullptr, int messages = -1);

  // Open loop: the rate every later run() offers, in requests per second over all connections.
  void set_rate(double requests_per_second) { rate_ = requests_per_second; }
  double rate() const { return rate_; }
  // Requests per second of the median of `operations` (1..9) closed-loop operations, or 0 with
  // error() set.
  double closed_loop_rate(int operations);

  const std::string& error() const { return error_; }
  const EchoShape& shape() const { return shape_; }

 private:
  struct Conn {
    Fd fd;
    std::vector<unsigned char> out, in;  // the message being sent, the echo being received
    std::size_t sent = 0, received = 0;  // bytes of each
    int message = 0;                     // the message whose echo is being received
    bool done = false;
    std::chrono::steady_clock::time_point start;  // closed loop, timed: when `message` was sent
    int released = 0, sending = 0;                // open loop: messages due so far, the one being sent
  };
  // What an open-loop operation needs to know in progress_open().
  struct Schedule {
    std::chrono::steady_clock::time_point start;
    double interval_ns;
    int messages;
    std::chrono::steady_clock::time_point due(std::int64_t request) const;
  };
  std::uint64_t run_blocking(yb::LatencyHistogram* latency, int messages);
  std::uint64_t run_polled(yb::LatencyHistogram* latency, int messages);
  std::uint64_t run_open(yb::LatencyHistogram* latency, int messages);
  // Moves connection `index` on until it would block; false on a failure (error_ set).
  bool progress(int index, int messages, yb::LatencyHistogram* latency, std::uint64_t& sum, int& finished);
  bool progress_open(int index, const Schedule& schedule, yb::LatencyHistogram* latency, std::uint64_t& sum,
                     int& finished);
  // Puts message `message` of connection `index` into conn.out, none of it sent yet.
  void load_message(Conn& conn, int index, int message);
  // Closed loop: conn.message goes out next; `timed` reads the clock for its latency.
  void begin_message(Conn& conn, int index, bool timed);
  std::uint64_t fail(std::string what);

  Address address_;
  Transport transport_;
  EchoShape shape_;
  std::chrono::milliseconds timeout_;
  Load load_;
  double rate_ = 0;
  std::vector<Conn> conns_;
  Fd epoll_;
  std::string error_;
};

}  // namespace io
