// The round trip every ping_pong implementation shares: a peer (thread or forked process,
// optionally pinned) loops receiving a token and answering pong(token); the benchmark thread
// sends and waits. Implementations differ only in the Channel that carries the tokens:
//
//   Channel(WorkerKind kind, PingPongControl& control)
//   void after_fork_in_parent();   void after_fork_in_peer();   // close the other side's ends
//   bool send_request(std::uint32_t token);   std::uint32_t receive_request();  // peer: 0 = parent gone
//   bool send_reply(std::uint32_t token);     std::uint32_t receive_reply();    // parent: 0 = peer gone
//   void peer_gone();   // from the watchdog process: wake a parent blocked in receive_reply
//
// A template, so the round trip makes no virtual call.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <unistd.h>

#include "parallelism/implementation.h"
#include "parallelism/workers.h"

namespace parallelism {

// What both sides share, in a MAP_SHARED mapping so a forked peer sees it too. Each word on its
// own cache line.
struct PingPongControl {
  alignas(64) std::atomic<std::int32_t> peer_cpu{-1};
  alignas(64) std::atomic<std::uint32_t> request{0};  // futex channel
  alignas(64) std::atomic<std::uint32_t> reply{0};    // futex channel
  std::atomic<std::uint32_t> peer_gone{0};            // futex channel: set by the watchdog
};

// A value no peer ever answers: what peer_gone() delivers.
inline constexpr std::uint32_t kPeerGone = 0xFFFF'FFFFu;

template <class Channel>
class PingPong final : public PingPongSession {
 public:
  PingPong(WorkerKind kind, std::optional<int> peer_cpu) : kind_(kind), channel_(kind, *control_) {
    resident_kind_ = kind;
    if (kind == WorkerKind::thread) {
      peer_thread_ = Thread(
          [this] {
            peer_tid_.store(current_tid());
            peer_tid_.notify_one();
            serve();
          },
          peer_cpu);
      peer_tid_.wait(0);
      resident_.push_back({::getpid(), peer_tid_.load()});
    } else {
      const pid_t pid = fork_worker(
          [this] {
            channel_.after_fork_in_peer();
            serve();
            return 0;
          },
          peer_cpu);
      children_.add(pid);
      channel_.after_fork_in_parent();
      children_.watch([this] { channel_.peer_gone(); });
      resident_.push_back({pid, pid});
    }
  }
  ~PingPong() override { stop(); }

  std::uint64_t run() override { return exchange(kPing); }

  std::optional<CpuSample> sample_cpus(int round_trips) override {
    std::array<int, 1024> self_count{}, peer_count{};
    int cross = 0;
    for (int i = 0; i < round_trips; ++i) {
      if (exchange(kPingReportCpu) != pong(kPingReportCpu)) return std::nullopt;
      const int self = current_cpu();
      const int peer = control_->peer_cpu.load(std::memory_order_relaxed);
      if (self < 0 || peer < 0 || self >= 1024 || peer >= 1024) return std::nullopt;
      ++self_count[static_cast<std::size_t>(self)];
      ++peer_count[static_cast<std::size_t>(peer)];
      cross += self != peer;
    }
    if (round_trips <= 0) return std::nullopt;
    CpuSample sample;
    sample.self_cpu = static_cast<int>(std::max_element(self_count.begin(), self_count.end()) - self_count.begin());
    sample.peer_cpu = static_cast<int>(std::max_element(peer_count.begin(), peer_count.end()) - peer_count.begin());
    sample.cross_cpu_share = static_cast<double>(cross) / round_trips;
    sample.round_trips = round_trips;
    return sample;
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    if (kind_ == WorkerKind::thread) {
      if (!failed()) channel_.send_request(kStop);
      peer_thread_.join();
    } else if (!failed()) {
      children_.disarm();
      channel_.send_request(kStop);
      fail(children_.reap_all("ping-pong peer"));
    }
  }

 private:
  std::uint32_t exchange(std::uint32_t token) {
    if (failed()) return 0;
    std::uint32_t reply = 0;
    if (channel_.send_request(token)) reply = channel_.receive_reply();
    if (reply != pong(token)) [[unlikely]] {
      if (kind_ == WorkerKind::process) {
        fail(children_.explain("ping-pong peer process"));
      } else {
        fail("ping-pong peer thread answered " + std::to_string(reply) + " to " + std::to_string(token));
      }
      return 0;
    }
    return reply;
  }

  // The peer's loop.
  void serve() {
    for (;;) {
      const std::uint32_t token = channel_.receive_request();
      if (token == 0 || token == kStop) return;
      if (token == kPingReportCpu) control_->peer_cpu.store(current_cpu(), std::memory_order_relaxed);
      if (!channel_.send_reply(pong(token))) return;
    }
  }

  WorkerKind kind_;
  Shared<PingPongControl> control_;
  Channel channel_;
  std::atomic<pid_t> peer_tid_{0};
  Thread peer_thread_;
  Children children_;
  bool stopped_ = false;
};

template <class Channel>
std::unique_ptr<PingPongSession> start_ping_pong(WorkerKind kind, std::optional<int> peer_cpu) {
  return std::make_unique<PingPong<Channel>>(kind, peer_cpu);
}

}  // namespace parallelism
