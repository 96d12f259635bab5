// Small helpers more than one family uses: the optimisation barrier, an owned file descriptor and
// byte formatting for messages.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <string>
#include <utility>

namespace yb {

// Workloads pass every value they produce through this barrier: the optimiser cannot know it, so
// no implementation can fold a workload into a closed form or delete its loop. It costs no
// instruction; it only forbids constant folding across it.
inline std::uint64_t opaque(std::uint64_t value) {
  asm volatile("" : "+r"(value));
  return value;
}

// An owned file descriptor, closed when destroyed; -1 when empty.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// "1.5 GiB", "80 KiB", "512 B": for messages (skip reasons, leak reports).
std::string format_bytes(double bytes);

}  // namespace yb
