// What this machine's kernel, or the sandbox around it, lets the io family use: each returns
// why a feature is unavailable, or empty when it works (probed once, on first use).
#pragma once

#include <string>

namespace io {

const std::string& io_uring_unavailable();
// A thread with a file descriptor table of its own (unshare(CLONE_FILES), fd_table_thread.h).
const std::string& separate_fd_table_unavailable();

}  // namespace io
