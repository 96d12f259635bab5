// vfork: vfork(2) + execve of the project's tiny helper binary, waitpid. The child borrows the
// parent's memory (no page-table copy) and the parent is suspended until the exec, so only
// exec is allowed in between: vfork's one legitimate use.
//   spawn_join: the helper exits with the token as its status.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "parallelism/implementation.h"

extern char** environ;

namespace parallelism {
namespace {

// Out of line and free of locals the child could clobber: the child only calls execve or _exit.
[[gnu::noinline]] pid_t vfork_exec(const char* path, char* const* argv) {
  const pid_t pid = ::vfork();
  if (pid == 0) {
    ::execve(path, argv, environ);
    ::_exit(127);
  }
  return pid;
}

class SpawnJoin final : public Session {
 public:
  std::uint64_t run() override {
    if (failed()) return 0;
    const pid_t pid = vfork_exec(helper_path(), argv_);
    if (pid < 0) {
      fail(std::string("vfork: ") + std::strerror(errno));
      return 0;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
      fail("vfork+exec child (pid " + std::to_string(pid) + ") " + describe_status(status) + " (" + helper_path() +
           ")");
      return 0;
    }
    return static_cast<std::uint64_t>(WEXITSTATUS(status));
  }

 private:
  char name_[8] = "helper";
  char mode_[8] = "exit";
  char* argv_[3] = {name_, mode_, nullptr};
};

YB_REGISTER_IMPLEMENTATION({
    .name = "vfork",
    .description = "vfork(2) + execve of a tiny static helper binary, waitpid",
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> { return std::make_unique<SpawnJoin>(); })},
});

}  // namespace
}  // namespace parallelism
