// Pins glibc's allocator policy, because eager-vs-lazy memory costs depend on it.
//
// By default glibc raises its mmap threshold after the first large free, so whether a 16 MB
// vector gets fresh (faulting) pages or recycled ones depends on which benchmark ran before.
// yieldbench fixes the policy instead: cold by default, warm only where a benchmark asks.
#pragma once

namespace yb {

enum class Pages {
  cold,  // every large block is a fresh mmap: first-touch page faults on every operation
  warm,  // freed memory stays mapped and is reused: no page faults after the first operation
};

const char* to_string(Pages pages);

// Called once at start-up: cold policy, independent of history.
void pin_cold_allocator_policy();

// Switches to `pages` for its lifetime, then back to cold and returns retained memory.
class AllocatorPages {
 public:
  explicit AllocatorPages(Pages pages);
  ~AllocatorPages();
  AllocatorPages(const AllocatorPages&) = delete;
  AllocatorPages& operator=(const AllocatorPages&) = delete;

 private:
  Pages pages_;
};

}  // namespace yb
