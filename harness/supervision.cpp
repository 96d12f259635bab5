#include "supervision.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace yb {
namespace {

// The guardian's life: nothing open but the pipe, then a read that returns only when the
// supervisor's write end closes, then the process group's end.
[[noreturn]] void guard(int pipe_fd, pid_t group) {
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);  // the supervisor reads stdout to its end
  }
  for (int fd = 3; fd < 1024; ++fd) {
    if (fd != pipe_fd) ::close(fd);
  }
  for (char byte;;) {
    const ssize_t got = ::read(pipe_fd, &byte, 1);
    if (got == 0 || (got < 0 && errno != EINTR)) break;
  }
  ::kill(-group, SIGKILL);  // itself included
  ::_exit(0);
}

}  // namespace

void stay_with_supervisor() {
  const char* supervisor_text = std::getenv("YB_SUPERVISOR_PID");
  if (supervisor_text == nullptr) return;
  const pid_t supervisor = static_cast<pid_t>(std::atol(supervisor_text));
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != supervisor) {  // it died before the line above: nobody would end us
    std::fprintf(stderr, "supervisor (pid %d) is gone; not starting\n", static_cast<int>(supervisor));
    ::_exit(3);
  }
  const char* fd_text = std::getenv("YB_SUPERVISOR_FD");
  const int pipe_fd = fd_text ? std::atoi(fd_text) : -1;
  // Not inherited by what benchmarks start: the guardian belongs to this executable only.
  ::unsetenv("YB_SUPERVISOR_PID");
  ::unsetenv("YB_SUPERVISOR_FD");
  if (pipe_fd < 0 || ::fcntl(pipe_fd, F_GETFD) < 0) return;
  const pid_t group = ::getpgrp();
  if (group == ::getpid()) {  // only a group of our own is ours to end
    const pid_t middle = ::fork();
    if (middle == 0) {
      if (::fork() == 0) guard(pipe_fd, group);
      ::_exit(0);
    }
    if (middle > 0) {
      while (::waitpid(middle, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }
  ::close(pipe_fd);
}

}  // namespace yb
