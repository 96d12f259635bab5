#include "failpoints.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace yb::failpoints {
namespace {

// (action, benchmark name) pairs from YB_FAILPOINT, read once.
const std::vector<std::pair<std::string, std::string>>& requested() {
  static const auto all = [] {
    std::vector<std::pair<std::string, std::string>> pairs;
    const char* value = std::getenv("YB_FAILPOINT");
    std::string text = value ? value : "";
    for (std::size_t start = 0; start < text.size();) {
      std::size_t end = text.find(';', start);
      if (end == std::string::npos) end = text.size();
      const std::string entry = text.substr(start, end - start);
      const std::size_t at = entry.find('@');
      if (at != std::string::npos) pairs.emplace_back(entry.substr(0, at), entry.substr(at + 1));
      start = end + 1;
    }
    return pairs;
  }();
  return all;
}

bool wanted(const std::string& action, const std::string& name) {
  for (const auto& [requested_action, benchmark] : requested()) {
    if (requested_action == action && benchmark == name) return true;
  }
  return false;
}

}  // namespace

void before_call(const std::string& name) {
  if (wanted("hang", name)) {
    std::fprintf(stderr, "YB_FAILPOINT: %s hangs\n", name.c_str());
    for (;;) ::pause();  // only a signal ends it: the watchdog's SIGKILL
  }
  if (wanted("crash", name)) {
    std::fprintf(stderr, "YB_FAILPOINT: %s crashes\n", name.c_str());
    ::signal(SIGSEGV, SIG_DFL);
    ::raise(SIGSEGV);
  }
  if (wanted("exit", name)) {
    std::fprintf(stderr, "YB_FAILPOINT: %s exits with status 3\n", name.c_str());
    std::_Exit(3);
  }
}

void after_call(const std::string& name) {
  if (wanted("leak_fd", name)) {
    [[maybe_unused]] const int leaked = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
}

}  // namespace yb::failpoints
