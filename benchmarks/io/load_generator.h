// The load generator: the same client code for every server. It opens C connections to the
// server's address and, per operation, sends M messages of S bytes on each, closed loop (the next
// message of a connection leaves when the previous echo is complete), all connections at once.
//
// One connection is driven with blocking send/recv (SO_RCVTIMEO/SO_SNDTIMEO bound every call);
// several with non-blocking sockets on the generator's own edge-triggered epoll. Every wait is
// bounded by the operation's deadline: a server that stops answering or closes a connection ends
// the operation with error() set instead of hanging.
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
  // Connects shape.conns connections (or, with Connect::later, only allocates what they need and
  // leaves connect() to the caller); throws std::runtime_error when one cannot be opened.
  LoadGenerator(const Address& address, Transport transport, EchoShape shape, std::chrono::milliseconds timeout,
                Connect when = Connect::now);
  // Opens the connections without allocating, so a caller counting a server's heap can connect
  // while the server accepts: more connections than the listen backlog (somaxconn) only complete
  // while someone accepts them.
  void connect();
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // One operation: `messages` (default: shape.messages) per connection; every request's latency
  // (send of its first byte to receipt of its last) goes into `latency` when given. Returns the
  // checksum, or kFailed with error() set; after a failure every call returns kFailed at once.
  std::uint64_t run(yb::LatencyHistogram* latency = nullptr, int messages = -1);

  const std::string& error() const { return error_; }
  const EchoShape& shape() const { return shape_; }

 private:
  struct Conn {
    Fd fd;
    std::vector<unsigned char> out, in;
    std::size_t sent = 0, received = 0;
    int message = 0;
    bool done = false;
    std::chrono::steady_clock::time_point start;
  };
  std::uint64_t run_blocking(yb::LatencyHistogram* latency, int messages);
  std::uint64_t run_polled(yb::LatencyHistogram* latency, int messages);
  // Moves connection `index` on until it would block; false on a failure (error_ set).
  bool progress(int index, int messages, yb::LatencyHistogram* latency, std::uint64_t& sum, int& finished);
  void begin_message(Conn& conn, int index);
  std::uint64_t fail(std::string what);

  Address address_;
  Transport transport_;
  EchoShape shape_;
  std::chrono::milliseconds timeout_;
  std::vector<Conn> conns_;
  Fd epoll_;
  std::string error_;
};

}  // namespace io
