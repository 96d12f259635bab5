#include "io/net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace io {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

Listener listen_loopback(Transport transport) {
  Listener listener{Fd(), Address(), transport};
  if (transport == Transport::tcp) {
    listener.fd = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener.fd) throw std::runtime_error(errno_text("socket"));
    const int one = 1;
    ::setsockopt(listener.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error(errno_text("bind 127.0.0.1:0"));
    }
    socklen_t length = sizeof address;
    ::getsockname(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
    std::memcpy(&listener.address.storage, &address, sizeof address);
    listener.address.length = sizeof address;
  } else {
    listener.fd = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener.fd) throw std::runtime_error(errno_text("socket"));
    // Abstract namespace: no file on disk, gone with the socket.
    static std::atomic<std::uint64_t> counter{0};
    const std::string name = "yieldbench-io-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, name.data(), name.size());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (::bind(listener.fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
      throw std::runtime_error(errno_text("bind abstract unix socket"));
    }
    std::memcpy(&listener.address.storage, &address, sizeof address);
    listener.address.length = length;
  }
  if (::listen(listener.fd.get(), 4096) != 0) throw std::runtime_error(errno_text("listen"));
  return listener;
}

Fd connect_to(const Address& address, Transport transport) {
  Fd fd(::socket(transport == Transport::tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error(errno_text("client socket"));
  if (::connect(fd.get(), address.get(), address.length) != 0) throw std::runtime_error(errno_text("connect"));
  if (transport == Transport::tcp) set_nodelay(fd.get());
  return fd;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }
void set_blocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK); }

void set_nodelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on Unix sockets
}

StopSignal::StopSignal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!fd_) throw std::runtime_error(errno_text("eventfd"));
}

void StopSignal::signal() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(fd_.get(), &one, sizeof one);
}

}  // namespace io
