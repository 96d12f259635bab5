#include "rss_probe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>

namespace yb::rss {
namespace {

std::optional<std::int64_t> status_field_bytes(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, field.size(), field) == 0 && line.size() > field.size() && line[field.size()] == ':') {
      return std::stoll(line.substr(field.size() + 1)) * 1024;  // the kernel reports kB
    }
  }
  return std::nullopt;
}

// Empty string on success, else why the reset failed.
std::string reset_high_water_mark() {
  const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open /proc/self/clear_refs: ") + std::strerror(errno);
  const bool written = ::write(fd, "5", 1) == 1;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) return std::string("writing 5 to /proc/self/clear_refs failed: ") + std::strerror(saved_errno);
  return {};
}

}  // namespace

std::optional<std::int64_t> resident_bytes() { return status_field_bytes("VmRSS"); }
std::optional<std::int64_t> high_water_bytes() { return status_field_bytes("VmHWM"); }

const std::string& unavailable_reason() {
  static const std::string reason = [] {
    std::string why = reset_high_water_mark();
    if (why.empty() && !high_water_bytes()) why = "/proc/self/status has no VmHWM";
    return why;
  }();
  return reason;
}

PeakGrowth::PeakGrowth() {
  if (!unavailable_reason().empty() || !reset_high_water_mark().empty()) return;
  start_resident_ = resident_bytes();
}

std::optional<std::int64_t> PeakGrowth::bytes() const {
  if (!start_resident_) return std::nullopt;
  const auto peak = high_water_bytes();
  if (!peak) return std::nullopt;
  return *peak > *start_resident_ ? *peak - *start_resident_ : 0;
}

}  // namespace yb::rss
