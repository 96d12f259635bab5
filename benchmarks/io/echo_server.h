// What an echo server of the io matchup provides, and how it registers.
//
// A server is started with a listening loopback socket (it takes ownership) and runs in threads
// of its own; it accepts connections and echoes every byte back until it is destroyed. Its
// destructor stops it, joins every thread it started and closes every descriptor it opened,
// whatever state the clients left it in (a client that never closes, a half-sent message).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/net.h"

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

struct EchoImplementation {
  const char* name;
  const char* description;
  MakeServer make;
  // A benchmark-name parameter choosing a variant ("trigger", "submit", "stack") and its values, or none.
  const char* variant_param = nullptr;
  std::vector<const char*> variants = {};
  // Why this server cannot hold `conns` connections here, or empty when it can.
  std::string (*limit)(int conns, int variant) = nullptr;
};

// Registers `implementation`'s echo_tcp and echo_unix benchmarks; returns true so a file can write
//   [[maybe_unused]] const bool registered = io::register_echo_server({...});
bool register_echo_server(const EchoImplementation& implementation);
const std::vector<EchoImplementation>& echo_servers();

}  // namespace io
