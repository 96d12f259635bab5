// A thread with a file descriptor table of its own (unshare(CLONE_FILES)).
//
// RLIMIT_NOFILE bounds each table, not the process: with the load generator's sockets in this
// thread's table and the server's in the process's, 10,000 loopback connections need 10,000
// descriptors per table instead of 20,000 in one, which a hard limit of 20,000 (this project's
// machines; raising it takes CAP_SYS_RESOURCE) allows. The thread shares memory as any thread
// does, so the load generator runs unchanged; only the descriptors must be opened and closed
// there: a descriptor number means a different file (or none) in the other table.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace io {

class FdTableThread {
 public:
  // Starts the thread and unshares its table (a copy of the process's at that moment). Throws
  // std::runtime_error when unshare fails.
  FdTableThread();
  // Closes every descriptor still in the thread's table, ends the thread and joins it.
  ~FdTableThread();
  FdTableThread(const FdTableThread&) = delete;
  FdTableThread& operator=(const FdTableThread&) = delete;

  // Runs `work` on the thread and waits for it; an exception it throws is rethrown here. Allocates
  // nothing, so a caller counting heap use around it sees only what `work` allocates.
  template <class Work>
  void run(Work& work) {
    run_erased(&work, [](void* erased) { (*static_cast<Work*>(erased))(); });
  }

 private:
  void run_erased(void* work, void (*call)(void*));
  void loop();

  std::mutex mutex_;
  std::condition_variable changed_;
  void* work_ = nullptr;  // set by run(), cleared by the thread when done
  void (*call_)(void*) = nullptr;
  std::exception_ptr failure_;
  bool ready_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace io
