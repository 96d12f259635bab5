// The echo matrix: echo_unix at 1, 16, 256, 1,024 and 10,000 connections and echo_tcp at 10,000
// with 64- and 4,096-byte messages are registered, and every server returns the checksum at those
// transports and message sizes on a small connection count.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "io/echo_server.h"
#include "io/load_generator.h"
#include "io/net.h"
#include "io/workloads.h"

namespace {

using namespace std::chrono_literals;

// (conns, msg) of a workload's closed-loop points.
std::set<std::pair<std::uint64_t, std::uint64_t>> closed_loop_points(const yb::WorkloadBase& workload) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> shapes;
  for (const yb::Point& point : workload.params().points()) {
    if (!point.has("load")) shapes.emplace(point.number("conns"), point.number("msg"));
  }
  return shapes;
}

TEST(EchoMatrix, EveryConnectionCountAtBothMessageSizes) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> expected;
  for (const std::uint64_t conns : {1, 16, 256, 1024, 10000}) {
    for (const std::uint64_t msg : {64, 4096}) expected.emplace(conns, msg);
  }
  EXPECT_EQ(closed_loop_points(io::echo_unix), expected);
  EXPECT_EQ(closed_loop_points(io::echo_tcp), expected);
}

// The new points' transports and message sizes, on few connections and the messages per
// connection the large points send (2), plus echo_unix at 16 connections as registered.
TEST(EchoMatrix, EveryServerEchoesTheNewShapesAtASmallSize) {
  struct Shape {
    io::Transport transport;
    io::EchoShape shape;
  };
  const Shape shapes[] = {
      {io::Transport::unix_stream, {16, io::echo_messages_per_connection(16), 64}},
      {io::Transport::unix_stream, {16, io::echo_messages_per_connection(16), 4096}},
      {io::Transport::unix_stream, {64, io::echo_messages_per_connection(10000), 4096}},
      {io::Transport::tcp, {64, io::echo_messages_per_connection(10000), 4096}},
  };
  for (const auto& server : io::echo_servers()) {
    const int variants = server.variants.empty() ? 1 : static_cast<int>(server.variants.size());
    for (int variant = 0; variant < variants; ++variant) {
      if (server.limit != nullptr && !server.limit(64, variant).empty()) continue;
      for (const Shape& shape : shapes) {
        io::Listener listener = io::listen_loopback(shape.transport);
        auto client = std::make_unique<io::LoadGenerator>(listener.address, shape.transport, shape.shape, 5000ms);
        auto echo = server.make(std::move(listener.fd), variant);
        EXPECT_EQ(client->run(nullptr), io::echo_checksum(shape.shape))
            << server.name << " variant " << variant << " conns=" << shape.shape.conns << " msg=" << shape.shape.size
            << " tcp=" << (shape.transport == io::Transport::tcp) << ": " << client->error();
        client.reset();
        echo.reset();
      }
    }
  }
}

}  // namespace
