#include "system_counters.h"

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace yb {
namespace {

constexpr std::array<std::uint64_t, 4> kSoftwareEvents = {PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_CPU_MIGRATIONS,
                                                          PERF_COUNT_SW_PAGE_FAULTS, PERF_COUNT_SW_TASK_CLOCK};

int open_event(std::uint32_t type, std::uint64_t config, pid_t thread = 0) {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = type;
  attr.config = config;
  attr.inherit = 1;  // threads and children created after opening are counted
  attr.exclude_hv = 1;
  // One thread (0: this one), any CPU; through inherit, what it starts.
  return static_cast<int>(::syscall(SYS_perf_event_open, &attr, thread, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

std::string probe(std::uint32_t type, std::uint64_t config, const char* what) {
  const int fd = open_event(type, config);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  return std::string("perf_event_open(") + what + "): " + std::strerror(errno);
}

std::int64_t read_event(int fd) {
  std::uint64_t value = 0;
  if (::read(fd, &value, sizeof(value)) != static_cast<ssize_t>(sizeof(value))) return 0;
  return static_cast<std::int64_t>(value);
}

std::vector<pid_t> threads_of_this_process() {
  std::vector<pid_t> threads;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
    const std::string name = entry.path().filename().string();
    pid_t thread = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), thread).ec == std::errc{}) threads.push_back(thread);
  }
  if (threads.empty()) threads.push_back(0);  // no /proc: at least the calling thread
  return threads;
}

void close_all(const std::vector<int>& fds) {
  for (const int fd : fds) ::close(fd);
}

// The four events on every thread, in groups of four; empty if perf refuses any of them.
std::vector<int> open_on_every_thread() {
  std::vector<int> fds;
  for (const pid_t thread : threads_of_this_process()) {
    std::vector<int> group;
    for (const auto event : kSoftwareEvents) {
      const int fd = open_event(PERF_TYPE_SOFTWARE, event, thread);
      if (fd >= 0) {
        group.push_back(fd);
        continue;
      }
      const bool ended = errno == ESRCH;  // the thread ended since /proc was read: nothing to count
      close_all(group);
      group.clear();
      if (ended) break;
      close_all(fds);
      return {};
    }
    fds.insert(fds.end(), group.begin(), group.end());
  }
  return fds;
}

SystemUsage rusage_now() {
  SystemUsage usage;
  for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    ::getrusage(who, &ru);
    usage.ctx_voluntary += ru.ru_nvcsw;
    usage.ctx_involuntary += ru.ru_nivcsw;
    usage.minor_faults += ru.ru_minflt;
    usage.major_faults += ru.ru_majflt;
  }
  return usage;
}

}  // namespace

const std::string& perf_software_events_unavailable_reason() {
  static const std::string reason =
      probe(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, "software context-switches");
  return reason;
}

const std::string& perf_hardware_events_unavailable_reason() {
  static const std::string reason = probe(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, "hardware instructions");
  return reason;
}

SystemCounters::SystemCounters(Sources sources) {
  if (sources == Sources::rusage_and_perf_events && perf_software_events_unavailable_reason().empty()) {
    perf_fds_ = open_on_every_thread();
  }
  // Opened before the rusage snapshot so the opening syscalls are not charged to the region.
  start_ = rusage_now();
}

SystemCounters::~SystemCounters() { close_all(perf_fds_); }

SystemUsage SystemCounters::elapsed() const {
  SystemUsage now = rusage_now();
  now.ctx_voluntary -= start_.ctx_voluntary;
  now.ctx_involuntary -= start_.ctx_involuntary;
  now.minor_faults -= start_.minor_faults;
  now.major_faults -= start_.major_faults;
  if (!perf_fds_.empty()) {
    // The events started counting at open, so their totals are this region's.
    std::array<std::int64_t, kSoftwareEvents.size()> totals{};
    for (std::size_t i = 0; i < perf_fds_.size(); ++i) totals[i % totals.size()] += read_event(perf_fds_[i]);
    now.ctx_switches = totals[0];
    now.cpu_migrations = totals[1];
    now.page_faults = totals[2];
    now.task_clock_ns = totals[3];
  }
  return now;
}

}  // namespace yb
