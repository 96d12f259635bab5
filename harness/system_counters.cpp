#include "system_counters.h"

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace yb {
namespace {

constexpr std::array<std::uint64_t, 4> kSoftwareEvents = {
    PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_CPU_MIGRATIONS, PERF_COUNT_SW_PAGE_FAULTS,
    PERF_COUNT_SW_TASK_CLOCK};

int open_event(std::uint32_t type, std::uint64_t config) {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = type;
  attr.config = config;
  attr.inherit = 1;  // threads and children created after opening are counted
  attr.exclude_hv = 1;
  // pid 0, any CPU: this thread and, through inherit, what it starts.
  return static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
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

SystemCounters::SystemCounters() {
  if (perf_software_events_unavailable_reason().empty()) {
    for (const auto event : kSoftwareEvents) {
      const int fd = open_event(PERF_TYPE_SOFTWARE, event);
      if (fd < 0) {
        for (const int opened : perf_fds_) ::close(opened);
        perf_fds_.clear();
        break;
      }
      perf_fds_.push_back(fd);
    }
  }
  // Opened before the rusage snapshot so the opening syscalls are not charged to the region.
  start_ = rusage_now();
}

SystemCounters::~SystemCounters() {
  for (const int fd : perf_fds_) ::close(fd);
}

SystemUsage SystemCounters::elapsed() const {
  SystemUsage now = rusage_now();
  now.ctx_voluntary -= start_.ctx_voluntary;
  now.ctx_involuntary -= start_.ctx_involuntary;
  now.minor_faults -= start_.minor_faults;
  now.major_faults -= start_.major_faults;
  if (perf_fds_.size() == kSoftwareEvents.size()) {
    // The events started counting at open, so their totals are this region's.
    now.ctx_switches = read_event(perf_fds_[0]);
    now.cpu_migrations = read_event(perf_fds_[1]);
    now.page_faults = read_event(perf_fds_[2]);
    now.task_clock_ns = read_event(perf_fds_[3]);
  }
  return now;
}

}  // namespace yb
