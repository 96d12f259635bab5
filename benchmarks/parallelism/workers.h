// The operating-system plumbing every parallelism implementation shares: owned file descriptors,
// pipes, shared mappings, futexes, threads and child processes that are always joined or reaped,
// CPU pinning, a watchdog that turns a crashed or hung child into an error, and /proc readers.
//
// Rules every implementation follows through these helpers:
//  - every fd is O_CLOEXEC, so nothing leaks into an exec'd helper;
//  - a long-lived child dies with the thread that forked it (PR_SET_PDEATHSIG), so no child
//    outlives the benchmark executable, and the parent reaps every child it started;
//  - children leave through _exit, never through the benchmark's own exit path.
#pragma once

#include <pthread.h>
#include <sys/mman.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "support.h"

namespace parallelism {

enum class WorkerKind { thread, process };
const char* to_string(WorkerKind kind);

// Throws std::system_error naming `what` and errno.
[[noreturn]] void throw_errno(const std::string& what);

using yb::Fd;  // harness/support.h

struct Pipe {
  Fd read;
  Fd write;
};
Pipe make_pipe();

// How write_all and read_all enter the kernel. Once a process has started a thread, glibc's
// read(2) and write(2) bracket the call with cancellation bookkeeping (an atomic read-modify-write
// before and after) for the rest of its life, and in children it forks. A process worker stands
// for a single-threaded program: it would pay that only because thread benchmarks ran earlier in
// the same executable (or a watchdog thread ran), so its round trip would depend on run order.
//   libc    glibc's wrappers: what a thread worker, in a multi-threaded program, does pay;
//   direct  syscall(2): what a single-threaded process pays, whatever ran before.
enum class SyscallEntry { libc, direct };
inline SyscallEntry syscall_entry_for(WorkerKind kind) {
  return kind == WorkerKind::process ? SyscallEntry::direct : SyscallEntry::libc;
}

// Writes or reads exactly `size` bytes, retrying on EINTR and short transfers. Returns false on
// end of file or an error (the peer is gone).
bool write_all(int fd, const void* data, std::size_t size, SyscallEntry entry = SyscallEntry::libc);
bool read_all(int fd, void* data, std::size_t size, SyscallEntry entry = SyscallEntry::libc);
// read_all with a deadline (poll between reads): false on end of file, error or timeout.
bool read_all_until(int fd, void* data, std::size_t size, std::chrono::steady_clock::time_point deadline);

// One T in an anonymous MAP_SHARED mapping: a child forked while it lives sees the same memory.
template <class T>
class Shared {
 public:
  template <class... Args>
  explicit Shared(Args&&... args) {
    void* memory = ::mmap(nullptr, sizeof(T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw_errno("mmap(MAP_SHARED)");
    object_ = new (memory) T(std::forward<Args>(args)...);
  }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;
  ~Shared() {
    object_->~T();
    ::munmap(object_, sizeof(T));
  }
  T* operator->() const { return object_; }
  T& operator*() const { return *object_; }
  T* get() const { return object_; }

 private:
  T* object_ = nullptr;
};

// Plain futex calls on a 32-bit word; `shared` chooses a process-shared futex (the word lives in
// a MAP_SHARED mapping) over a private one.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, bool shared);
void futex_wake(std::atomic<std::uint32_t>& word, int count, bool shared);

// CPUs the calling thread may run on, in increasing order.
std::vector<int> allowed_cpus();
int current_cpu();

// Pins the calling thread to `cpu` for its lifetime (nothing when empty), then restores its
// previous affinity.
class PinCallingThread {
 public:
  explicit PinCallingThread(std::optional<int> cpu);
  ~PinCallingThread();
  PinCallingThread(const PinCallingThread&) = delete;
  PinCallingThread& operator=(const PinCallingThread&) = delete;

 private:
  bool pinned_ = false;
  std::vector<unsigned char> saved_;  // a cpu_set_t, kept opaque here
};

// Identifies a thread of some process: /proc/<pid>/task/<tid>.
struct TaskId {
  pid_t pid;
  pid_t tid;
};
pid_t current_tid();

// A pthread started with an optional CPU (set before it runs) and stack size; joined by join()
// or the destructor.
class Thread {
 public:
  Thread() = default;
  Thread(std::function<void()> body, std::optional<int> cpu = std::nullopt, std::size_t stack_bytes = 0);
  Thread(Thread&& other) noexcept;
  Thread& operator=(Thread&& other) noexcept;
  ~Thread() { join(); }
  void join();
  bool joinable() const { return started_; }

 private:
  pthread_t thread_{};
  bool started_ = false;
  std::unique_ptr<std::function<void()>> body_;
};

// Forks a child that runs `body` and leaves with _exit(body()). The child gets SIGKILL when the
// forking thread ends (so it cannot outlive the benchmark) and, when `cpu` is given, runs
// pinned to it. Throws when fork fails.
pid_t fork_worker(const std::function<int()>& body, std::optional<int> cpu = std::nullopt);

// "exited with status 3", "killed by signal 11 (Segmentation fault)".
std::string describe_status(int status);
// Waits for `pid`; empty when it exited with `expected_status`, else how it ended.
std::string reap(pid_t pid, int expected_status = 0);

// Watches long-lived children from a process of its own, blocked in poll() on their pidfds, so it
// costs nothing while all is well. When one ends before the watchdog is disarmed, or `limit`
// passes, it kills every child it watches (SIGKILL, by PID), records why and calls `on_trouble`
// (which must wake a parent blocked on shared memory or an inherited fd; pipes see end-of-file by
// themselves). A process rather than a thread: a thread would make the measuring process
// multi-threaded, and then glibc brackets every read(2)/write(2) with cancellation bookkeeping and
// the kernel takes a reference at every fd use, in the parent and in a peer forked from it. That
// is ~5% of a same-CPU pipe round trip, an artefact perf bench's single-threaded processes do not pay.
// `on_trouble` runs in the forked watchdog, so it may only touch MAP_SHARED memory and fds.
class Watchdog {
 public:
  Watchdog(std::vector<pid_t> children, std::chrono::seconds limit, std::function<void()> on_trouble);
  ~Watchdog() { disarm(); }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Stops watching (before the owner asks its children to exit): ends and reaps the watchdog
  // process; idempotent.
  void disarm();
  // The first child seen to end early (0 if none) and whether the time limit ran out.
  pid_t culprit() const;
  bool timed_out() const;

 private:
  // What the watchdog process found, in memory the parent shares.
  struct Verdict {
    std::atomic<pid_t> culprit{0};
    std::atomic<bool> timed_out{false};
  };

  Shared<Verdict> verdict_;
  pid_t watcher_ = 0;
};

// How long a long-lived child may go before the watchdog ends it: far above any benchmark here.
inline constexpr std::chrono::seconds kChildTimeLimit{60};

// A group of long-lived children: started together, watched, asked to stop, reaped. After a
// failure, `explain()` reaps them all and says which one ended and how.
class Children {
 public:
  Children() = default;
  ~Children();
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;

  void add(pid_t pid) { pids_.push_back(pid); }
  const std::vector<pid_t>& pids() const { return pids_; }
  // Starts the watchdog over every child added so far.
  void watch(std::function<void()> on_trouble);
  // Stops the watchdog: call before telling the children to exit, so a normal exit is not taken
  // for trouble. Idempotent.
  void disarm();
  // Normal end, after disarm() and telling the children to exit: reaps
  // each child; empty when all exited with status 0, else the first abnormal end.
  std::string reap_all(const char* what);
  // After a failure: kills what is left, reaps all, and says why (`what` names the children).
  std::string explain(const char* what);

 private:
  std::vector<pid_t> pids_;
  std::unique_ptr<Watchdog> watchdog_;
};

// Bytes the parent has touched before its workers start (spawn_join's parent_mib): a private
// anonymous mapping in 4 KiB pages (no transparent huge pages), every page written.
class TouchedMemory {
 public:
  explicit TouchedMemory(std::size_t bytes);
  ~TouchedMemory();
  TouchedMemory(const TouchedMemory&) = delete;
  TouchedMemory& operator=(const TouchedMemory&) = delete;

 private:
  void* memory_ = nullptr;
  std::size_t bytes_ = 0;
};

// /proc readers. Empty when the file or field is missing.
struct ResidentMemory {
  std::int64_t rss = 0;  // bytes
  std::int64_t pss = 0;  // bytes
};
std::optional<ResidentMemory> smaps_rollup(pid_t pid);
std::optional<std::int64_t> status_bytes(pid_t pid, const char* field);  // e.g. "VmPTE"
struct Switches {
  std::int64_t voluntary = 0;
  std::int64_t involuntary = 0;
};
std::optional<Switches> task_switches(const TaskId& task);
// Resident bytes of [begin, end) (mincore), e.g. a thread's stack.
std::int64_t resident_bytes(const void* begin, std::size_t size);

// The tiny helper binary posix_spawn and vfork start (built with the project).
const char* helper_path();

}  // namespace parallelism
