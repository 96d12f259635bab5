#include "io/fd_table_thread.h"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace io {

FdTableThread::FdTableThread() {
  thread_ = std::thread([this] { loop(); });
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return ready_; });
  if (failure_) {
    lock.unlock();
    thread_.join();
    std::rethrow_exception(failure_);
  }
}

FdTableThread::~FdTableThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void FdTableThread::run_erased(void* work, void (*call)(void*)) {
  std::unique_lock lock(mutex_);
  work_ = work;
  call_ = call;
  changed_.notify_all();
  changed_.wait(lock, [this] { return work_ == nullptr; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void FdTableThread::loop() {
  std::unique_lock lock(mutex_);
  if (::unshare(CLONE_FILES) != 0) {
    failure_ =
        std::make_exception_ptr(std::runtime_error(std::string("unshare(CLONE_FILES): ") + std::strerror(errno)));
    ready_ = true;
    changed_.notify_all();
    return;
  }
  ready_ = true;
  changed_.notify_all();
  for (;;) {
    changed_.wait(lock, [this] { return work_ != nullptr || stopping_; });
    if (work_ == nullptr) {
      // The kernel drops an exiting thread's table only after join() has returned (do_exit wakes
      // the joiner in exit_mm, before exit_files): closing it here makes "joined" mean "closed".
      ::close_range(0, ~0U, 0);
      return;
    }
    lock.unlock();
    std::exception_ptr failure;
    try {
      call_(work_);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    failure_ = failure;
    work_ = nullptr;
    changed_.notify_all();
  }
}

}  // namespace io
