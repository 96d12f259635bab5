#include "instrumentation.h"

#include <poll.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else  // valgrind's headers absent at build time: nothing to tell it
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace yb::instrumentation {
namespace {

int perf_control_fd = -1;
int perf_ack_fd = -1;

bool parse_fd(std::string_view text, int* fd) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *fd);
  return error == std::errc() && end == text.data() + text.size() && *fd >= 0;
}

// Writes one perf control command ("enable\n", "disable\n") and waits, at most 5 s, for perf's
// "ack\n" so the region starts only once perf has switched its events.
void perf_command(const char* command) {
  const std::size_t length = std::strlen(command);
  ssize_t written;
  do written = ::write(perf_control_fd, command, length);
  while (written < 0 && errno == EINTR);
  if (written != static_cast<ssize_t>(length)) {
    std::fprintf(stderr, "yieldbench: writing '%.*s' to the perf control fd failed: %s\n", static_cast<int>(length - 1),
                 command, std::strerror(errno));
    perf_control_fd = -1;
    return;
  }
  if (perf_ack_fd < 0) return;
  pollfd ready{perf_ack_fd, POLLIN, 0};
  if (::poll(&ready, 1, 5000) <= 0) {
    std::fprintf(stderr, "yieldbench: perf did not acknowledge '%.*s' within 5 s\n", static_cast<int>(length - 1),
                 command);
    return;
  }
  char ack[16];  // "ack\n" plus perf's terminating NUL, written at once
  [[maybe_unused]] const ssize_t ignored = ::read(perf_ack_fd, ack, sizeof ack);
}

}  // namespace

bool set_perf_control(std::string_view spec) {
  const auto comma = spec.find(',');
  int control = -1, ack = -1;
  if (!parse_fd(spec.substr(0, comma), &control)) return false;
  if (comma != std::string_view::npos && !parse_fd(spec.substr(comma + 1), &ack)) return false;
  perf_control_fd = control;
  perf_ack_fd = ack;
  return true;
}

void measured_region_begin() {
  CALLGRIND_START_INSTRUMENTATION;
  if (perf_control_fd >= 0) perf_command("enable\n");
}

void measured_region_end() {
  if (perf_control_fd >= 0) perf_command("disable\n");
  CALLGRIND_STOP_INSTRUMENTATION;
}

}  // namespace yb::instrumentation
