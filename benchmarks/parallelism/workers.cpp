#include "parallelism/workers.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#ifndef YB_PARALLELISM_HELPER
#error "YB_PARALLELISM_HELPER (the helper binary's path) must be defined by CMake"
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

namespace parallelism {

const char* to_string(WorkerKind kind) { return kind == WorkerKind::thread ? "thread" : "process"; }

void throw_errno(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

namespace {

ssize_t write_once(int fd, const void* data, std::size_t size, SyscallEntry entry) {
  return entry == SyscallEntry::direct ? ::syscall(SYS_write, fd, data, size) : ::write(fd, data, size);
}

ssize_t read_once(int fd, void* data, std::size_t size, SyscallEntry entry) {
  return entry == SyscallEntry::direct ? ::syscall(SYS_read, fd, data, size) : ::read(fd, data, size);
}

}  // namespace

bool write_all(int fd, const void* data, std::size_t size, SyscallEntry entry) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write_once(fd, bytes, size, entry);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size, SyscallEntry entry) {
  auto* bytes = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = read_once(fd, bytes, size, entry);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    bytes += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

bool read_all_until(int fd, void* data, std::size_t size, std::chrono::steady_clock::time_point deadline) {
  auto* bytes = static_cast<char*>(data);
  while (size > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t got = ::read(fd, bytes, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    bytes += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, bool shared) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE, expected,
            nullptr, nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>& word, int count, bool shared) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, count,
            nullptr, nullptr, 0);
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

int current_cpu() { return ::sched_getcpu(); }

PinCallingThread::PinCallingThread(std::optional<int> cpu) {
  if (!cpu) return;
  saved_.resize(sizeof(cpu_set_t));
  auto* saved = reinterpret_cast<cpu_set_t*>(saved_.data());
  if (::sched_getaffinity(0, sizeof(cpu_set_t), saved) != 0) throw_errno("sched_getaffinity");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(*cpu, &set);
  if (::sched_setaffinity(0, sizeof(set), &set) != 0)
    throw_errno("sched_setaffinity(cpu " + std::to_string(*cpu) + ")");
  pinned_ = true;
}

PinCallingThread::~PinCallingThread() {
  if (pinned_) ::sched_setaffinity(0, sizeof(cpu_set_t), reinterpret_cast<cpu_set_t*>(saved_.data()));
}

pid_t current_tid() { return ::gettid(); }

namespace {

void* run_thread_body(void* body) {
  (*static_cast<std::function<void()>*>(body))();
  return nullptr;
}

}  // namespace

Thread::Thread(std::function<void()> body, std::optional<int> cpu, std::size_t stack_bytes)
    : body_(std::make_unique<std::function<void()>>(std::move(body))) {
  pthread_attr_t attributes;
  ::pthread_attr_init(&attributes);
  if (cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(*cpu, &set);
    ::pthread_attr_setaffinity_np(&attributes, sizeof(set), &set);
  }
  if (stack_bytes != 0) ::pthread_attr_setstacksize(&attributes, stack_bytes);
  const int error = ::pthread_create(&thread_, &attributes, run_thread_body, body_.get());
  ::pthread_attr_destroy(&attributes);
  if (error != 0) {
    errno = error;
    throw_errno("pthread_create");
  }
  started_ = true;
}

Thread::Thread(Thread&& other) noexcept
    : thread_(other.thread_), started_(std::exchange(other.started_, false)), body_(std::move(other.body_)) {}

Thread& Thread::operator=(Thread&& other) noexcept {
  if (this != &other) {
    join();
    thread_ = other.thread_;
    started_ = std::exchange(other.started_, false);
    body_ = std::move(other.body_);
  }
  return *this;
}

void Thread::join() {
  if (!started_) return;
  ::pthread_join(thread_, nullptr);
  started_ = false;
}

pid_t fork_worker(const std::function<int()>& body, std::optional<int> cpu) {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid > 0) return pid;
  // The child: die with the forking thread, and make sure it had not already gone.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(125);
  if (cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(*cpu, &set);
    if (::sched_setaffinity(0, sizeof(set), &set) != 0) ::_exit(126);
  }
  ::_exit(body());
}

std::string describe_status(int status) {
  char text[96];
  if (WIFEXITED(status)) {
    std::snprintf(text, sizeof(text), "exited with status %d", WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    std::snprintf(text, sizeof(text), "killed by signal %d (%s)", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
  } else {
    std::snprintf(text, sizeof(text), "ended with wait status 0x%x", status);
  }
  return text;
}

std::string reap(pid_t pid, int expected_status) {
  int status = 0;
  pid_t done;
  do {
    done = ::waitpid(pid, &status, 0);
  } while (done < 0 && errno == EINTR);
  if (done != pid) return "waitpid(" + std::to_string(pid) + "): " + std::strerror(errno);
  if (WIFEXITED(status) && WEXITSTATUS(status) == expected_status) return {};
  return describe_status(status);
}

namespace {

// The watchdog process's loop; returns its exit status.
int watch_children(const std::vector<pid_t>& children, const std::vector<Fd>& pidfds,
                   const std::vector<pid_t>& pidfd_owners, std::chrono::steady_clock::time_point deadline,
                   const std::function<void()>& on_trouble, std::atomic<pid_t>& culprit, std::atomic<bool>& timed_out) {
  std::vector<pollfd> polled;
  for (const Fd& pidfd : pidfds) polled.push_back({pidfd.get(), POLLIN, 0});
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int ready = ::poll(polled.data(), polled.size(), static_cast<int>(std::max<long long>(0, left.count())));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return 1;
    if (ready == 0) {
      timed_out.store(true);
    } else {
      std::size_t ended = 0;
      while (ended < polled.size() && polled[ended].revents == 0) ++ended;
      if (ended == polled.size()) continue;
      culprit.store(pidfd_owners[ended]);
    }
    for (const pid_t pid : children) ::kill(pid, SIGKILL);  // ours, not yet reaped: the PIDs are still theirs
    if (on_trouble) on_trouble();
    return 0;
  }
}

}  // namespace

Watchdog::Watchdog(std::vector<pid_t> children, std::chrono::seconds limit, std::function<void()> on_trouble) {
  std::vector<Fd> pidfds;
  std::vector<pid_t> pidfd_owners;
  for (const pid_t pid : children) {
    Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) continue;  // no pidfds on this kernel: the time limit still holds
    pidfds.push_back(std::move(pidfd));
    pidfd_owners.push_back(pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  Verdict& verdict = *verdict_;
  // The pidfds stay open in the watchdog only: the parent's copies close when this returns.
  watcher_ = fork_worker([&] {
    return watch_children(children, pidfds, pidfd_owners, deadline, on_trouble, verdict.culprit, verdict.timed_out);
  });
}

void Watchdog::disarm() {
  if (watcher_ == 0) return;
  ::kill(watcher_, SIGKILL);  // not yet reaped: the PID is still the watchdog's
  reap(watcher_, 0);
  watcher_ = 0;
}

pid_t Watchdog::culprit() const { return verdict_->culprit.load(); }

bool Watchdog::timed_out() const { return verdict_->timed_out.load(); }

Children::~Children() {
  if (watchdog_) watchdog_->disarm();
  for (const pid_t pid : pids_) {
    ::kill(pid, SIGKILL);
    reap(pid);
  }
}

void Children::watch(std::function<void()> on_trouble) {
  watchdog_ = std::make_unique<Watchdog>(pids_, kChildTimeLimit, std::move(on_trouble));
}

void Children::disarm() {
  if (watchdog_) watchdog_->disarm();
}

std::string Children::reap_all(const char* what) {
  disarm();
  std::string first;
  for (const pid_t pid : pids_) {
    std::string why = reap(pid);
    if (!why.empty() && first.empty()) first = std::string(what) + " (pid " + std::to_string(pid) + ") " + why;
  }
  pids_.clear();
  return first;
}

std::string Children::explain(const char* what) {
  pid_t culprit = 0;
  bool timed_out = false;
  if (watchdog_) {
    watchdog_->disarm();
    culprit = watchdog_->culprit();
    timed_out = watchdog_->timed_out();
  }
  // Children already gone ended by themselves; the rest are ended here.
  std::vector<std::pair<pid_t, int>> ended;
  std::vector<std::pair<pid_t, int>> killed;
  for (const pid_t pid : pids_) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ended.emplace_back(pid, status);
    } else {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      killed.emplace_back(pid, status);
    }
  }
  pids_.clear();
  const auto name = [&](pid_t pid, int status) {
    return std::string(what) + " (pid " + std::to_string(pid) + ") " + describe_status(status);
  };
  if (timed_out) {
    return std::string(what) + " still running after " + std::to_string(kChildTimeLimit.count()) + " s: killed (hung?)";
  }
  for (const auto& list : {ended, killed}) {
    for (const auto& [pid, status] : list) {
      if (pid == culprit) return name(pid, status);
    }
  }
  for (const auto& [pid, status] : ended) {
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return name(pid, status);
  }
  for (const auto& [pid, status] : killed) {
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) return name(pid, status);
  }
  if (!ended.empty()) return name(ended.front().first, ended.front().second);
  return std::string(what) + " stopped answering";
}

TouchedMemory::TouchedMemory(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  memory_ = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory_ == MAP_FAILED) {
    memory_ = nullptr;
    throw_errno("mmap(" + std::to_string(bytes >> 20) + " MiB)");
  }
  ::madvise(memory_, bytes, MADV_NOHUGEPAGE);  // 4 KiB pages, as a heap's usually are
  if (::madvise(memory_, bytes, MADV_POPULATE_WRITE) != 0) {
    const long page = ::sysconf(_SC_PAGESIZE);
    auto* bytes_at = static_cast<volatile char*>(memory_);
    for (std::size_t offset = 0; offset < bytes; offset += static_cast<std::size_t>(page)) bytes_at[offset] = 1;
  }
}

TouchedMemory::~TouchedMemory() {
  if (memory_ != nullptr) ::munmap(memory_, bytes_);
}

namespace {

// The first number after "field:" in a /proc file of "name: value [kB]" lines.
std::optional<std::int64_t> proc_field(const std::string& path, const char* field) {
  std::ifstream file(path);
  const std::string key = std::string(field) + ":";
  for (std::string line; std::getline(file, line);) {
    if (line.compare(0, key.size(), key) == 0) {
      std::istringstream value(line.substr(key.size()));
      std::int64_t number = 0;
      if (value >> number) return number;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ResidentMemory> smaps_rollup(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/smaps_rollup";
  const auto rss = proc_field(path, "Rss");
  const auto pss = proc_field(path, "Pss");
  if (!rss || !pss) return std::nullopt;
  return ResidentMemory{*rss * 1024, *pss * 1024};
}

std::optional<std::int64_t> status_bytes(pid_t pid, const char* field) {
  const auto kib = proc_field("/proc/" + std::to_string(pid) + "/status", field);
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

std::optional<Switches> task_switches(const TaskId& task) {
  const std::string path = "/proc/" + std::to_string(task.pid) + "/task/" + std::to_string(task.tid) + "/status";
  const auto voluntary = proc_field(path, "voluntary_ctxt_switches");
  const auto involuntary = proc_field(path, "nonvoluntary_ctxt_switches");
  if (!voluntary || !involuntary) return std::nullopt;
  return Switches{*voluntary, *involuntary};
}

std::int64_t resident_bytes(const void* begin, std::size_t size) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto first = reinterpret_cast<std::uintptr_t>(begin) & ~(page - 1);
  const auto last = (reinterpret_cast<std::uintptr_t>(begin) + size + page - 1) & ~(page - 1);
  std::vector<unsigned char> pages((last - first) / page);
  if (pages.empty() || ::mincore(reinterpret_cast<void*>(first), last - first, pages.data()) != 0) return 0;
  std::int64_t resident = 0;
  for (const unsigned char state : pages) resident += (state & 1) ? static_cast<std::int64_t>(page) : 0;
  return resident;
}

const char* helper_path() { return YB_PARALLELISM_HELPER; }

}  // namespace parallelism
