// Probes for what a sandbox may deny: Docker's default seccomp profile and gVisor refuse
// io_uring_setup and unshare, and kernel.io_uring_disabled can turn io_uring off. A benchmark or
// test that needs one skips with the probe's reason instead of failing.
#include "io/kernel_features.h"

#include <liburing.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace io {
namespace {

std::string denied(const char* call, int error) {
  std::string reason = std::string(call) + ": " + std::strerror(error);
  if (error == EPERM || error == ENOSYS) {
    reason += " (denied here: a seccomp filter such as Docker's default profile, gVisor, or a sysctl)";
  }
  return reason;
}

}  // namespace

const std::string& io_uring_unavailable() {
  static const std::string reason = [] {
    io_uring ring{};
    if (const int failed = io_uring_queue_init(2, &ring, 0); failed < 0) return denied("io_uring_setup", -failed);
    io_uring_queue_exit(&ring);
    return std::string();
  }();
  return reason;
}

const std::string& separate_fd_table_unavailable() {
  static const std::string reason = [] {
    int error = 0;
    // On a thread of its own: the table it unshares ends with it.
    std::thread([&error] { error = ::unshare(CLONE_FILES) == 0 ? 0 : errno; }).join();
    return error == 0 ? std::string() : denied("unshare(CLONE_FILES)", error);
  }();
  return reason;
}

}  // namespace io
