// Small socket helpers shared by the load generator and the servers: an owning descriptor, a
// loopback listener (TCP on 127.0.0.1 with an ephemeral port, or an abstract Unix socket, so no
// file is left behind), and a stop signal a server's loop can wait on.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <string>
#include <utility>

#include "io/workloads.h"
#include "support.h"

namespace io {

using yb::Fd;  // harness/support.h

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// A listening socket on loopback, and the address to connect to. Throws std::runtime_error.
struct Listener {
  Fd fd;
  Address address;
  Transport transport;
};
Listener listen_loopback(Transport transport);

// A connected client socket (blocking), or throws std::runtime_error naming the errno.
Fd connect_to(const Address& address, Transport transport);

void set_nonblocking(int fd);
void set_blocking(int fd);
// TCP_NODELAY where the socket is TCP (echo latency, not Nagle's timer); a no-op for Unix sockets.
void set_nodelay(int fd);

// An eventfd a loop waits on beside its sockets; signal() makes it readable for good.
class StopSignal {
 public:
  StopSignal();
  int fd() const { return fd_.get(); }
  void signal();

 private:
  Fd fd_;
};

std::string errno_text(const char* what);

}  // namespace io
