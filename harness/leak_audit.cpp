#include "leak_audit.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace yb::leak_audit {
namespace {

// Numeric entries of a /proc folder; in /proc/self/fd, the listing's own descriptor is left out.
std::vector<long> numeric_entries(const char* folder) {
  std::vector<long> numbers;
  DIR* dir = ::opendir(folder);
  if (dir == nullptr) return numbers;
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long number = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    if (number == own) continue;
    numbers.push_back(number);
  }
  ::closedir(dir);
  return numbers;
}

std::string first_line(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

std::string link_target(const std::string& path) {
  char target[256];
  const ssize_t length = ::readlink(path.c_str(), target, sizeof target - 1);
  return length < 0 ? std::string("?") : std::string(target, static_cast<std::size_t>(length));
}

std::string plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

Census Census::take() {
  Census census;
  for (const long fd : numeric_entries("/proc/self/fd")) {
    census.fds[static_cast<int>(fd)] = link_target("/proc/self/fd/" + std::to_string(fd));
  }
  for (const long tid : numeric_entries("/proc/self/task")) {
    const std::string task = "/proc/self/task/" + std::to_string(tid);
    census.threads[static_cast<pid_t>(tid)] = first_line(task + "/comm");
    // A child belongs to the thread that created it: every thread's list is read.
    std::istringstream children(first_line(task + "/children"));
    for (pid_t child; children >> child;) census.children.insert(child);
  }
  return census;
}

std::string leftovers(const Census& before, const Census& now) {
  std::string fds, children, threads;
  std::size_t fd_count = 0, child_count = 0, thread_count = 0;
  for (const auto& [fd, target] : now.fds) {
    const auto old = before.fds.find(fd);
    if (old != before.fds.end() && old->second == target) continue;
    fds += (fd_count++ ? ", " : "") + std::to_string(fd) + " " + target;
  }
  for (const pid_t child : now.children) {
    if (before.children.count(child)) continue;
    children += (child_count++ ? ", " : "") + std::string("pid ") + std::to_string(child);
  }
  for (const auto& [tid, name] : now.threads) {
    if (before.threads.count(tid)) continue;
    threads += (thread_count++ ? ", " : "") + name + " (tid " + std::to_string(tid) + ")";
  }
  std::string report;
  const auto add = [&report](const std::string& part) { report += (report.empty() ? "" : "; ") + part; };
  if (fd_count) add(plural(fd_count, "fd", "fds") + " (" + fds + ")");
  if (child_count) add(plural(child_count, "child process", "child processes") + " (" + children + ")");
  if (thread_count) add(plural(thread_count, "thread", "threads") + " (" + threads + ")");
  return report;
}

std::string settled_leftovers(const Census& before, std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  std::string report = leftovers(before, Census::take());
  while (!report.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    report = leftovers(before, Census::take());
  }
  return report;
}

}  // namespace yb::leak_audit
