#include "failpoints.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
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

using Clock = std::chrono::steady_clock;

// The least, over five batches, of the mean time of `one` in a batch of at least `batch_seconds`: other
// work on the machine only ever adds time, so the least is the closest to the cost itself.
double least_ns(const std::function<void()>& one, double batch_seconds) {
  std::vector<double> means;
  for (int batch = 0; batch < 5; ++batch) {
    std::uint64_t calls = 0;
    const auto start = Clock::now();
    auto now = start;
    do {
      one();
      ++calls;
      now = Clock::now();
    } while (std::chrono::duration<double>(now - start).count() < batch_seconds);
    means.push_back(std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(calls));
  }
  return *std::min_element(means.begin(), means.end());
}

std::uint64_t chain(std::uint64_t rounds) {
  std::uint64_t value = rounds;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    value = value * 6364136223846793005ULL + 1442695040888963407ULL;
    asm volatile("" : "+r"(value));  // one step at a time: no closed form, no vectorising
  }
  return value;
}

double noisy_megabytes(const std::string& name) {
  for (const auto& [action, benchmark] : requested()) {
    if (benchmark == name && action.rfind("noisy:", 0) == 0) return std::strtod(action.c_str() + 6, nullptr);
  }
  return 0;
}

void write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return;
    done += static_cast<std::size_t>(wrote);
  }
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
  if (const double megabytes = noisy_megabytes(name); megabytes > 0) {
    // Whole lines on stdout after the progress lines already there, one of them 1 MiB long; then
    // stderr, its last line last.
    std::cout << std::flush;
    const auto bytes = static_cast<std::size_t>(megabytes * 1024 * 1024);
    const std::string junk(1024 * 1024, 'x');
    const std::string line = "YB_FAILPOINT: noise " + std::string(1000, '.') + "\n";
    for (std::size_t sent = 0; sent < bytes; sent += line.size()) write_all(STDOUT_FILENO, line);
    write_all(STDOUT_FILENO, junk + "\n");
    for (std::size_t sent = 0; sent < bytes; sent += junk.size()) write_all(STDERR_FILENO, junk);
    write_all(STDERR_FILENO, "\nYB_FAILPOINT: " + name + " was noisy and goes on\n");
  }
  if (wanted("exit", name)) {
    std::fprintf(stderr, "YB_FAILPOINT: %s exits with status 3\n", name.c_str());
    std::_Exit(3);
  }
}

double slowdown_percent(const std::string& name) {
  for (const auto& [action, benchmark] : requested()) {
    if (benchmark == name && action.rfind("slow:", 0) == 0) return std::strtod(action.c_str() + 5, nullptr);
  }
  return 0;
}

double& current_slowdown_percent() {
  thread_local double percent = 0;
  return percent;
}

ExtraWork::ExtraWork(double percent, const std::function<void()>& operation) : percent_(percent) {
  if (percent <= 0) return;
  operation_ns_ = least_ns(operation, 0.02);
  constexpr std::uint64_t kProbeRounds = 1 << 14;
  const double round_ns = least_ns([] { [[maybe_unused]] volatile auto sink = chain(kProbeRounds); }, 0.005) /
                          static_cast<double>(kProbeRounds);
  rounds_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(operation_ns_ * percent / 100.0 / round_ns));
  std::fprintf(stderr, "YB_FAILPOINT: slow:%g: %llu extra steps (%.0f ns) a %.0f ns operation\n", percent,
               static_cast<unsigned long long>(rounds_), static_cast<double>(rounds_) * round_ns, operation_ns_);
}

void ExtraWork::run() const { [[maybe_unused]] volatile auto sink = chain(rounds_); }

void after_call(const std::string& name) {
  if (wanted("leak_fd", name)) {
    [[maybe_unused]] const int leaked = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
}

}  // namespace yb::failpoints
