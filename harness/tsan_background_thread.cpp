// Built into the harness only in the tsan preset (harness/CMakeLists.txt).
//
// ThreadSanitizer starts a background thread of its own at the process's first pthread_create.
// The suite counts threads around every benchmark and test (leak audit, cleanup tests) to prove
// that nothing outlives its operation; that first creation would happen inside one of them and
// look like a leaked thread. Creating and joining one thread before main() makes TSan's thread
// part of every baseline instead.
#include <thread>

namespace {

[[maybe_unused]] const bool tsan_background_thread_started = [] {
  std::thread([] {}).join();
  return true;
}();

}  // namespace
