// posix_spawn: posix_spawn(3) of the project's tiny helper binary (glibc: clone with CLONE_VM |
// CLONE_VFORK, then exec, so nothing of the parent is copied), waitpid.
//   spawn_join:        the helper exits with the token as its status.
//   memory_per_worker: W helpers in "idle" mode (stdin: the stop pipe, stdout: the ready pipe);
//                      each is a fresh small static image, sharing only its text with the others.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "parallelism/idle_processes.h"
#include "parallelism/implementation.h"

extern char** environ;

namespace parallelism {
namespace {

pid_t spawn_helper(char* const* argv, const posix_spawn_file_actions_t* actions) {
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, helper_path(), actions, nullptr, argv, environ);
  if (error != 0) {
    errno = error;
    return -1;
  }
  return pid;
}

class SpawnJoin final : public Session {
 public:
  std::uint64_t run() override {
    if (failed()) return 0;
    const pid_t pid = spawn_helper(argv_, nullptr);
    if (pid < 0) {
      fail(std::string("posix_spawn(") + helper_path() + "): " + std::strerror(errno));
      return 0;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
      fail("spawned helper (pid " + std::to_string(pid) + ") " + describe_status(status));
      return 0;
    }
    return static_cast<std::uint64_t>(WEXITSTATUS(status));
  }

 private:
  char name_[8] = "helper";
  char mode_[8] = "exit";
  char* argv_[3] = {name_, mode_, nullptr};
};

pid_t start_idle(const IdleEnds& ends) {
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, ends.stop_read, STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, ends.ready_write, STDOUT_FILENO);
  char name[8] = "helper";
  char mode[8] = "idle";
  char* argv[3] = {name, mode, nullptr};
  const pid_t pid = spawn_helper(argv, &actions);
  const int saved = errno;
  ::posix_spawn_file_actions_destroy(&actions);
  if (pid < 0) {
    errno = saved;
    throw_errno(std::string("posix_spawn(") + helper_path() + ")");
  }
  return pid;
}

constexpr const char* kDescription =
    "posix_spawn(3) of a tiny static helper binary (clone CLONE_VM|CLONE_VFORK + exec), waitpid";

YB_REGISTER_IMPLEMENTATION({
    .name = "posix_spawn",
    .description = kDescription,
    .functions = {yb::implements(spawn_join,
                                 []() -> std::unique_ptr<Session> { return std::make_unique<SpawnJoin>(); }),
                  yb::implements(memory_per_worker,
                                 MemoryPerWorkerStart{WorkerKind::process,
                                                      [](int workers) -> std::unique_ptr<IdleWorkers> {
                                                        return std::make_unique<IdleProcesses>(workers, start_idle);
                                                      }})},
});

}  // namespace
}  // namespace parallelism
