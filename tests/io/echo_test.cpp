// Every echo server returns the workload's checksum at small sizes, over TCP and Unix sockets,
// leaves no thread or descriptor behind, and a server that stops answering or goes away ends the
// load generator's operation with an error within its timeout instead of hanging.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "census.h"
#include "io/echo_server.h"
#include "io/io_support.h"
#include "io/load_generator.h"
#include "io/workloads.h"
#include "registration.h"

namespace {

using namespace std::chrono_literals;
using io::testing::Census;

struct Subject {
  const io::EchoImplementation* server;
  int variant;
  std::string name() const {
    std::string text = server->name;
    if (server->variant_param != nullptr) text += std::string("_") + server->variants.at(variant);
    return text;
  }
};

std::vector<Subject> subjects() {
  std::vector<Subject> all;
  for (const auto& server : io::echo_servers()) {
    const int variants = server.variants.empty() ? 1 : static_cast<int>(server.variants.size());
    for (int variant = 0; variant < variants; ++variant) all.push_back({&server, variant});
  }
  return all;
}

TEST(EchoServers, AllAreRegistered) {
  std::vector<std::string> names;
  for (const auto& server : io::echo_servers()) names.emplace_back(server.name);
  for (const char* expected : {"blocking_threads", "epoll", "io_uring", "coroutine_epoll", "fiber_epoll"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

// pipe_ping_pong's echo sides and file_read's readers register in parts beside their workload;
// together with the servers, each name implements exactly these workloads.
TEST(IoImplementations, EachImplementsItsWorkloads) {
  std::map<std::string, std::set<std::string>> implemented;
  for (const yb::Implementation* implementation : yb::implementations("io")) {
    for (const auto& entry : implementation->functions)
      implemented[implementation->name].insert(entry.workload->name());
  }
  const std::set<std::string> echo{"echo_tcp", "echo_unix"};
  const std::set<std::string> echo_and_pipe{"echo_tcp", "echo_unix", "pipe_ping_pong"};
  EXPECT_EQ(implemented, (std::map<std::string, std::set<std::string>>{
                             {"blocking_threads", echo},
                             {"epoll", echo_and_pipe},
                             {"io_uring", {"echo_tcp", "echo_unix", "pipe_ping_pong", "file_read"}},
                             {"coroutine_epoll", echo},
                             {"fiber_epoll", echo},
                             {"blocking", {"pipe_ping_pong"}},
                             {"pread", {"file_read"}},
                             {"thread_pool", {"file_read"}},
                         }));
  const auto missing = yb::not_implemented();
  EXPECT_NE(std::find(missing.begin(), missing.end(), "io/echo_tcp/pread"), missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), "io/file_read/io_uring"), missing.end());
}

// Thread per connection states where it stops; the other servers take any count.
TEST(EchoServers, BlockingThreadsNameTheirLimit) {
  for (const auto& server : io::echo_servers()) {
    if (std::string(server.name) != "blocking_threads") continue;
    ASSERT_NE(server.limit, nullptr);
    for (int variant = 0; variant < static_cast<int>(server.variants.size()); ++variant) {
      EXPECT_NE(server.limit(10000, variant), "") << server.variants.at(static_cast<std::size_t>(variant));
    }
    EXPECT_EQ(server.limit(1024, 0), "");  // stack:default (stack:64k is skipped under TSan)
    EXPECT_NE(server.limit(10000, 0).find("1024 connections"), std::string::npos) << server.limit(10000, 0);
    return;
  }
  FAIL() << "blocking_threads is not registered";
}

class EchoOf : public ::testing::TestWithParam<Subject> {};

TEST_P(EchoOf, ChecksumsAndNoLeaks) {
  const Subject& subject = GetParam();
  if (subject.server->limit != nullptr) {
    const std::string reason = subject.server->limit(8, subject.variant);
    if (!reason.empty()) GTEST_SKIP() << reason;
  }
  const Census before;
  for (const io::Transport transport : {io::Transport::tcp, io::Transport::unix_stream}) {
    for (const int conns : {1, 8}) {
      for (const int size : {9, 64, 4096}) {
        const io::EchoShape shape{conns, 3, size};
        io::Listener listener = io::listen_loopback(transport);
        auto client = std::make_unique<io::LoadGenerator>(listener.address, transport, shape, 5000ms);
        auto server = subject.server->make(std::move(listener.fd), subject.variant);
        EXPECT_GE(server->threads(), 1);
        yb::LatencyHistogram latency;
        for (int operation = 0; operation < 3; ++operation) {
          EXPECT_EQ(client->run(&latency), io::echo_checksum(shape))
              << "conns=" << conns << " size=" << size << " tcp=" << (transport == io::Transport::tcp) << ": "
              << client->error();
        }
        EXPECT_EQ(latency.count(), 3 * shape.requests());
        client.reset();
        server.reset();
      }
    }
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

// The server goes away while its clients are connected and idle: the next operation fails fast
// (EOF or reset), nothing hangs, and nothing is left behind.
TEST_P(EchoOf, ServerGoneIsAnErrorNotAHang) {
  const Subject& subject = GetParam();
  if (subject.server->limit != nullptr && !subject.server->limit(8, subject.variant).empty()) GTEST_SKIP();
  const Census before;
  for (const int conns : {1, 8}) {
    const io::EchoShape shape{conns, 2, 64};
    io::Listener listener = io::listen_loopback(io::Transport::tcp);
    io::LoadGenerator client(listener.address, io::Transport::tcp, shape, 2000ms);
    auto server = subject.server->make(std::move(listener.fd), subject.variant);
    ASSERT_EQ(client.run(), io::echo_checksum(shape)) << client.error();
    server.reset();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.run(), io::LoadGenerator::kFailed);
    EXPECT_FALSE(client.error().empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s) << client.error();
    EXPECT_EQ(client.run(), io::LoadGenerator::kFailed) << "a failed generator stays failed";
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

// More connections than the listen backlog (somaxconn is 4096 by default) and than io_uring's
// multishot buffer pool (4096 buffers): they are opened while the server accepts, every one gets
// its echoes, and nothing is left behind. Servers whose model stops earlier say so instead.
TEST_P(EchoOf, HoldsMoreConnectionsThanTheBacklog) {
  constexpr int kConns = 4500;
  const Subject& subject = GetParam();
  if (subject.server->limit != nullptr) {
    const std::string reason = subject.server->limit(kConns, subject.variant);
    if (!reason.empty()) GTEST_SKIP() << reason;
  }
  if (const std::string reason = io::ensure_descriptors(2 * kConns + 64); !reason.empty()) GTEST_SKIP() << reason;
  const Census before;
  {
    const io::EchoShape shape{kConns, 2, 64};
    io::Listener listener = io::listen_loopback(io::Transport::tcp);
    io::LoadGenerator client(listener.address, io::Transport::tcp, shape, 20'000ms, io::LoadGenerator::Connect::later);
    auto server = subject.server->make(std::move(listener.fd), subject.variant);
    client.connect();
    for (int operation = 0; operation < 2; ++operation) {
      EXPECT_EQ(client.run(), io::echo_checksum(shape)) << client.error();
    }
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

INSTANTIATE_TEST_SUITE_P(Io, EchoOf, ::testing::ValuesIn(subjects()),
                         [](const auto& info) { return info.param.name(); });

// Nobody serves the listener (the kernel completes the connections on its backlog, no byte is
// ever echoed): the operation ends with a timeout error after the generator's timeout.
TEST(LoadGenerator, SilentServerTimesOut) {
  for (const int conns : {1, 8}) {
    io::Listener listener = io::listen_loopback(io::Transport::tcp);
    io::LoadGenerator client(listener.address, io::Transport::tcp, {conns, 2, 64}, 200ms);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.run(), io::LoadGenerator::kFailed);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_NE(client.error().find("timeout"), std::string::npos) << client.error();
    EXPECT_LT(took, 5s);
  }
}

TEST(LoadGenerator, RejectsMessagesShorterThanTheirId) {
  io::Listener listener = io::listen_loopback(io::Transport::tcp);
  EXPECT_THROW(io::LoadGenerator(listener.address, io::Transport::tcp, {1, 1, 8}, 100ms), std::runtime_error);
}

TEST(Workloads, EchoChecksumCountsEveryMessage) {
  EXPECT_EQ(io::echo_checksum({1, 1, 64}), io::message_id(0, 0) + io::pattern_byte(0));
  EXPECT_NE(io::echo_checksum({2, 3, 64}), io::echo_checksum({3, 2, 64}));
  EXPECT_EQ(io::echo_messages_per_connection(1), 1024);
  EXPECT_EQ(io::echo_messages_per_connection(1024), 2);
}

}  // namespace
