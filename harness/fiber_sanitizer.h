// Telling the sanitizers about stack switches they cannot see. A stackful coroutine (a
// Boost.Context fiber, a ucontext) moves the stack pointer to memory the sanitizer takes for heap.
//
// AddressSanitizer keeps the bounds of the current stack (it clears stack poisoning between the
// stack pointer and the top when an exception is thrown, and gives each stack its own fake stack
// for use-after-return detection). It must hear of every switch: the side that leaves calls
// __sanitizer_start_switch_fiber just before the switch, the side that arrives calls
// __sanitizer_finish_switch_fiber first thing. Without that, the first exception thrown on a
// fiber makes ASan warn that it ignores __asan_handle_no_return and false reports may follow.
// Code between the two calls is fine as long as it throws nothing, so the calls can sit around
// a library's switch function (fiber::resume(), swapcontext) instead of at its jump instruction.
//
// ThreadSanitizer needs nothing from single-threaded coroutine code as long as every
// instrumented function that starts on a coroutine's stack also returns: it keeps one shadow call
// stack per thread, and entries and exits interleaved across stacks still balance. A ucontext
// entry function returns (through uc_link), so ucontext runs instrumented as it is. Boost.Context's
// fiber_entry never returns (it leaves with a jump that frees the stack): one shadow-stack slot is
// lost per fiber, and a workload creating a million fibers overruns it. TSan's fiber API
// (__tsan_switch_to_fiber) would need its call at the jump itself, inside Boost's inline code, where
// we cannot put it. So the files that create Boost.Context fibers are compiled without TSan's
// function entry/exit hooks (yb_without_tsan_call_tracking in the top-level CMakeLists.txt; their
// memory accesses are still checked, their frames are missing from TSan's stack traces), and
// sanitizer_visible() below refuses to compile in a file that still has them.
//
// Without a sanitizer every function here is empty and StackBounds holds nothing: a switch costs
// what it cost before.
#pragma once

#include <cstddef>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define YB_FIBER_ASAN 1
#else
#define YB_FIBER_ASAN 0
#endif

namespace yb {

#if YB_FIBER_ASAN
// Where a stack lies: its lowest address and size, as AddressSanitizer wants them.
struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};
#else
struct StackBounds {};  // nothing to remember when no sanitizer listens
#endif

// Brackets one switch away from the current stack: construct it right before the switch to the
// stack `to`, call landed() first thing when the switch comes back here; it returns the stack
// that switched back (the coroutine's, or whichever resumed this side). When the switch comes
// back as an exception instead (Boost.Context unwinding a fiber destroyed while suspended), the
// destructor lands it; the destroying side must then have announced its switch like any other.
class FiberSwitch {
 public:
  explicit FiberSwitch([[maybe_unused]] const StackBounds& to) {
#if YB_FIBER_ASAN
    __sanitizer_start_switch_fiber(&fake_stack_, to.bottom, to.size);
#endif
  }
  FiberSwitch(const FiberSwitch&) = delete;
  FiberSwitch& operator=(const FiberSwitch&) = delete;
  ~FiberSwitch() {
#if YB_FIBER_ASAN
    if (!landed_) landed();
#endif
  }

  StackBounds landed() {
#if YB_FIBER_ASAN
    StackBounds from;
    __sanitizer_finish_switch_fiber(fake_stack_, &from.bottom, &from.size);
    landed_ = true;
    return from;
#else
    return {};
#endif
  }

 private:
#if YB_FIBER_ASAN
  void* fake_stack_ = nullptr;  // this side's use-after-return frames, kept while it is away
  bool landed_ = false;
#endif
};

// First thing a coroutine's entry function does on its new stack. Returns the stack that
// started it, which the coroutine switches back to.
inline StackBounds fiber_entered() {
#if YB_FIBER_ASAN
  StackBounds from;
  __sanitizer_finish_switch_fiber(nullptr, &from.bottom, &from.size);
  return from;
#else
  return {};
#endif
}

// Last thing a coroutine does before its final switch to `to` (its stack is never used again,
// so its fake stack is freed). The side that resumed it sees the switch land as usual.
inline void fiber_leaving_for_good([[maybe_unused]] const StackBounds& to) {
#if YB_FIBER_ASAN
  __sanitizer_start_switch_fiber(nullptr, to.bottom, to.size);
#endif
}

// Runs a coroutine's body on its stack, then announces its final switch back to `caller` (read
// when the body ends: the body's switches keep it up to date), also when Boost.Context unwinds
// the body of a fiber destroyed while suspended.
template <class Body>
void run_fiber_body(Body&& body, [[maybe_unused]] const StackBounds& caller) {
#if YB_FIBER_ASAN
  try {
    body();
  } catch (...) {
    fiber_leaving_for_good(caller);
    throw;
  }
  fiber_leaving_for_good(caller);
#else
  body();  // no handler: without ASan nothing is added around the body
#endif
}

// The bounds of a stack given as its lowest address and size.
inline StackBounds stack_bounds([[maybe_unused]] const void* bottom, [[maybe_unused]] std::size_t size) {
#if YB_FIBER_ASAN
  return {bottom, size};
#else
  return {};
#endif
}

// A Boost.Context StackAllocator that writes where each stack it hands out lies into `*bounds`
// (Boost allocates the stack inside the fiber's constructor, out of our sight).
template <class StackAllocator>
struct BoundsRecordingStack {
  StackAllocator inner;
  StackBounds* bounds;

  auto allocate() {
    auto stack = inner.allocate();
    *bounds = stack_bounds(static_cast<char*>(stack.sp) - stack.size, stack.size);  // sp is the top
    return stack;
  }
  // A fiber's last frames never return (it leaves by a jump), so their redzones stay poisoned:
  // cleared here, as ASan does for a thread's stack, or memory mapped later at the same address
  // (protected stacks are munmap'ed) would be reported as stack.
  template <class StackContext>
  void deallocate(StackContext& stack) noexcept {
#if YB_FIBER_ASAN
    __asan_unpoison_memory_region(static_cast<char*>(stack.sp) - stack.size, stack.size);
#endif
    inner.deallocate(stack);
  }
};

// The stack allocator to give a Boost.Context fiber: under ASan, one that records the stack's
// bounds into `*bounds`; otherwise `allocator` itself.
template <class StackAllocator>
auto sanitizer_visible(StackAllocator allocator, [[maybe_unused]] StackBounds* bounds) {
#if defined(__SANITIZE_THREAD__) && !defined(YB_TSAN_NO_CALL_TRACKING)
  static_assert(sizeof(StackAllocator) == 0,
                "a file creating Boost.Context fibers must be compiled without TSan's function entry/exit "
                "hooks: list it in yb_without_tsan_call_tracking (see harness/fiber_sanitizer.h)");
#endif
#if YB_FIBER_ASAN
  return BoundsRecordingStack<StackAllocator>{std::move(allocator), bounds};
#else
  return allocator;
#endif
}

}  // namespace yb
