// What an echo server of the io matchup provides, and how it registers:
//
//   YB_REGISTER_IMPLEMENTATION({
//       .name = "epoll",
//       .description = "...",
//       .functions = {yb::implements(io::echo_tcp, make), yb::implements(io::echo_unix, make)},
//       .variants = io::variants("trigger", {"level", "edge"}),
//       .unavailable = io::unavailable(limit),  // optional: why `conns` connections cannot run here
//   });
//
// A server is started with a listening loopback socket (it takes ownership) and runs in threads
// of its own; it accepts connections and echoes every byte back until it is destroyed. Its
// destructor stops it, joins every thread it started and closes every descriptor it opened,
// whatever state the clients left it in (a client that never closes, a half-sent message).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "io/net.h"
#include "registration.h"

namespace io {

// The largest read a server makes at once (the largest message of the benchmarks).
inline constexpr std::size_t kServerBuffer = 4096;

class EchoServer {
 public:
  virtual ~EchoServer() = default;
  // Threads the server runs now (acceptor and workers).
  virtual int threads() const = 0;
  // Resident bytes of memory the server maps outside operator new (thread or fiber stacks, a
  // buffer pool shared by its connections), or 0.
  virtual std::int64_t mapped_resident_bytes() const { return 0; }
};

using MakeServer = std::unique_ptr<EchoServer> (*)(Fd listener, int variant);

// The echo workloads (registration.cpp); a server implements both with its MakeServer.
extern const yb::Workload<MakeServer> echo_tcp;
extern const yb::Workload<MakeServer> echo_unix;

// One variant per value, named `param:value` (placed after conns and msg in the name).
std::vector<std::vector<yb::Param>> variants(const char* param, std::initializer_list<const char*> values);
// The unavailable hook from why this server cannot hold `conns` connections here, or empty.
std::function<std::string(const yb::WorkloadBase&, const yb::Point&, const yb::Variant&)> unavailable(
    std::string (*limit)(int conns, int variant));

// For the tests: every registered echo server, seen in the family's terms.
struct EchoImplementation {
  const char* name;
  MakeServer make;
  const char* variant_param = nullptr;  // "trigger", "submit", "stack", or none
  std::vector<const char*> variants = {};
  std::function<std::string(int conns, int variant)> limit = nullptr;  // null: none
};
const std::vector<EchoImplementation>& echo_servers();

}  // namespace io
