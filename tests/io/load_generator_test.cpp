// The load generator's open loop: every server's checksum at a fixed rate, requests never leave
// before they are due, latency recorded for every request, bounded when nobody answers, nothing
// left behind; and the closed-loop rate it calibrates from.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "census.h"
#include "io/echo_server.h"
#include "io/load_generator.h"
#include "io/workloads.h"

namespace {

using namespace std::chrono_literals;
using io::LoadGenerator;
using io::testing::Census;

struct Echo {
  std::unique_ptr<LoadGenerator> client;
  std::unique_ptr<io::EchoServer> server;
};

// A load generator in `load` mode connected to variant 0 of every registered server in turn.
template <class Check>
void for_every_server(io::Transport transport, io::EchoShape shape, LoadGenerator::Load load, Check check) {
  for (const auto& implementation : io::echo_servers()) {
    if (implementation.limit != nullptr && !implementation.limit(shape.conns, 0).empty()) continue;
    io::Listener listener = io::listen_loopback(transport);
    Echo echo;
    echo.client =
        std::make_unique<LoadGenerator>(listener.address, transport, shape, 5000ms, LoadGenerator::Connect::now, load);
    echo.server = implementation.make(std::move(listener.fd), 0);
    check(implementation.name, *echo.client);
    echo.client.reset();  // clients first: the server sees EOF on every connection
    echo.server.reset();
  }
}

TEST(OpenLoop, EveryServerEchoesEveryRequestAtAFixedRateAndNothingIsLeft) {
  const Census before;
  for (const io::Transport transport : {io::Transport::tcp, io::Transport::unix_stream}) {
    for (const int conns : {1, 8}) {
      const io::EchoShape shape{conns, 5, 64};
      for_every_server(
          transport, shape, LoadGenerator::Load::open, [&](const std::string& name, LoadGenerator& client) {
            client.set_rate(20000);
            yb::LatencyHistogram latency;
            for (int operation = 0; operation < 3; ++operation) {
              EXPECT_EQ(client.run(operation == 0 ? nullptr : &latency), io::echo_checksum(shape))
                  << name << " conns=" << conns << ": " << client.error();
            }
            EXPECT_EQ(latency.count(), 2 * shape.requests()) << name << ": every request of the timed operations";
            EXPECT_GT(latency.max(), 0u) << name;
          });
    }
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

// Request j is due at start + j / rate: 40 requests at 2000 per second cannot all have left, and
// so been echoed, before the last one's due time, 19.5 ms after the first. (A lower bound only,
// which no amount of load on the machine can break.)
TEST(OpenLoop, NoRequestLeavesBeforeItIsDue) {
  for (const int conns : {1, 4}) {
    const io::EchoShape shape{conns, 40 / conns, 64};
    for_every_server(io::Transport::tcp, shape, LoadGenerator::Load::open,
                     [&](const std::string& name, LoadGenerator& client) {
                       client.set_rate(2000);
                       const auto start = std::chrono::steady_clock::now();
                       ASSERT_EQ(client.run(), io::echo_checksum(shape)) << name << ": " << client.error();
                       EXPECT_GE(std::chrono::steady_clock::now() - start, 19500us) << name << " conns=" << conns;
                     });
  }
}

// The server starts 60 ms into the operation, after all 20 requests (one per millisecond) were
// due: each waited for it from its intended send time, so even the last one's latency is at
// least 60 - 19 ms. A closed loop would have charged the stall to its first request only.
TEST(OpenLoop, LatencyRunsFromTheIntendedSendTimeSoAStallIsCountedForEveryRequest) {
  const Census before;
  const io::EchoImplementation& implementation = io::echo_servers().front();
  io::Listener listener = io::listen_loopback(io::Transport::tcp);
  const io::EchoShape shape{1, 20, 64};
  auto client = std::make_unique<LoadGenerator>(listener.address, io::Transport::tcp, shape, 5000ms,
                                                LoadGenerator::Connect::now, LoadGenerator::Load::open);
  client->set_rate(1000);
  std::unique_ptr<io::EchoServer> server;
  std::thread late_start([&] {
    std::this_thread::sleep_for(60ms);
    server = implementation.make(std::move(listener.fd), 0);
  });
  yb::LatencyHistogram latency;
  EXPECT_EQ(client->run(&latency), io::echo_checksum(shape)) << client->error();
  late_start.join();
  EXPECT_EQ(latency.count(), shape.requests());
  EXPECT_GE(latency.percentile(0.05), 41'000'000 * 0.99) << "the fastest request waited for the server too";
  client.reset();
  server.reset();
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

TEST(OpenLoop, WithoutARateIsAnError) {
  const io::EchoShape shape{1, 2, 64};
  for_every_server(io::Transport::tcp, shape, LoadGenerator::Load::open,
                   [&](const std::string& name, LoadGenerator& client) {
                     EXPECT_EQ(client.run(), LoadGenerator::kFailed) << name;
                     EXPECT_NE(client.error().find("rate"), std::string::npos) << client.error();
                   });
}

// Nobody serves the listener: the open loop sends what is due and ends with a timeout error
// after the generator's timeout instead of waiting for echoes for ever.
TEST(OpenLoop, SilentServerTimesOut) {
  for (const int conns : {1, 8}) {
    io::Listener listener = io::listen_loopback(io::Transport::tcp);
    LoadGenerator client(listener.address, io::Transport::tcp, {conns, 2, 64}, 200ms, LoadGenerator::Connect::now,
                         LoadGenerator::Load::open);
    client.set_rate(100000);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.run(), LoadGenerator::kFailed);
    EXPECT_NE(client.error().find("timeout"), std::string::npos) << client.error();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  }
}

// The open loop's calibration: closed-loop operations of the same generator, their checksums
// right, give a rate; run_closed works whatever the load.
TEST(OpenLoop, CalibratesFromClosedLoopOperations) {
  for (const int conns : {1, 8}) {
    const io::EchoShape shape{conns, 4, 64};
    for_every_server(io::Transport::tcp, shape, LoadGenerator::Load::open,
                     [&](const std::string& name, LoadGenerator& client) {
                       EXPECT_EQ(client.run_closed(), io::echo_checksum(shape)) << name << ": " << client.error();
                       EXPECT_GT(client.closed_loop_rate(3), 0) << name << ": " << client.error();
                       EXPECT_TRUE(client.error().empty()) << client.error();
                     });
  }
}

}  // namespace
