// The tiny program posix_spawn and vfork start (bin/../libexec/yb_parallelism_helper, linked
// statically so that starting it costs an exec, not a dynamic loader run).
//   helper exit: exits at once with the spawn_join token as its status;
//   helper idle: writes one byte to stdout once running, then waits for end-of-file on stdin.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parallelism/workloads.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "idle") == 0) {
    const char byte = 'r';
    if (::write(STDOUT_FILENO, &byte, 1) != 1) ::_exit(1);
    char ignored;
    while (::read(STDIN_FILENO, &ignored, 1) < 0 && errno == EINTR) {
    }
    ::_exit(0);
  }
  ::_exit(static_cast<int>(parallelism::kSpawnToken));
}
