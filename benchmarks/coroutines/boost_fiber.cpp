// Stackful: every coroutine is a boost::context::fiber with a stack of its own (64 KiB), and a
// switch is Boost.Context's jump_fcontext (a few registers saved and restored, no system call).
// It can suspend from inside nested calls; the price is the stack.
//
// The stack is the `stack:` parameter, because where it comes from changes creation cost and
// memory, not the switch:
//   fixed     - boost::context::fixedsize_stack: std::malloc. 64 KiB is below glibc's 128 KiB mmap
//               threshold, so stacks come from the malloc heap (Boost's default 128 KiB would make
//               every stack its own mmap: one mapping, two system calls and fresh pages per fiber).
//               Within one operation the heap keeps what it frees (yb::Pages::warm), so a finished
//               fiber's stack is reused by the next; the operation's end gives it all back
//               (malloc_trim), so every operation starts from the same heap and alive_many's stacks
//               are fresh pages each time. Without that, glibc's 128 KiB trim threshold returns
//               and re-faults the top stack on nearly every create when fibers come and go in
//               LIFO order (skynet: ~1.7 s instead of ~0.13 s per operation, varying with
//               whatever else sits on the heap);
//   protected - protected_fixedsize_stack: mmap plus a PROT_NONE guard page (two mappings per
//               fiber, so vm.max_map_count caps how many can be alive);
//   pooled    - pooled_fixedsize_stack: boost::pool hands out stacks from large malloc'ed blocks.
// None of these use operator new, so each stack is reported to the heap counter as it is handed
// out (yb::CountedStack): heap_allocs and heap_peak_bytes include every stack's 64 KiB. alive_many's
// bytes_per_unit is the resident-set growth (only the pages a fiber touches count).
#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>
#include <boost/context/pooled_fixedsize_stack.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <memory>
#include <utility>

#include "allocator_policy.h"
#include "coroutines/implementation.h"
#include "coroutines/resume_yield.h"
#include "coroutines/workloads.h"
#include "counted_stack.h"
#include "fiber_sanitizer.h"

namespace {

namespace context = boost::context;
using coroutines::Size;
using coroutines::Workload;
using coroutines::WorkloadId;

constexpr std::size_t kStackBytes = 64 * 1024;
enum Stack : int { fixed, protected_, pooled };

// What a body calls yield() on: lives on the fiber's stack and holds the fiber that resumed it.
// Every switch is announced to AddressSanitizer (harness/fiber_sanitizer.h; nothing otherwise).
struct Suspender {
  context::fiber caller;
  [[no_unique_address]] yb::StackBounds caller_stack;

  void yield() {
    yb::FiberSwitch to_caller(caller_stack);
    caller = std::move(caller).resume();
    caller_stack = to_caller.landed();
  }
};

// A fiber as a resume/yield handle (see resume_yield.h). Movable: nothing points at it.
class FiberCoroutine {
 public:
  FiberCoroutine() = default;
  template <class StackAllocator, class Body>
  FiberCoroutine(StackAllocator stack, Body body)
      : fiber_(std::allocator_arg, yb::sanitizer_visible(std::move(stack), &stack_),
               [body = std::move(body)](context::fiber&& caller) mutable {
                 Suspender self{std::move(caller), yb::fiber_entered()};
                 yb::run_fiber_body([&] { body(self); }, self.caller_stack);
                 return std::move(self.caller);
               }) {}
  FiberCoroutine(FiberCoroutine&&) noexcept = default;
  // Swaps, so a fiber assigned over is destroyed by the other's destructor, announced.
  FiberCoroutine& operator=(FiberCoroutine&& other) noexcept {
    std::swap(stack_, other.stack_);
    std::swap(fiber_, other.fiber_);
    return *this;
  }
  // Destroying a suspended fiber switches to it (Boost unwinds its stack), so it is announced.
  ~FiberCoroutine() {
    if (!fiber_) return;
    yb::FiberSwitch to_fiber(stack_);
    fiber_ = context::fiber();
  }

  void resume() {
    yb::FiberSwitch to_fiber(stack_);
    fiber_ = std::move(fiber_).resume();
    to_fiber.landed();
  }
  bool done() const { return !fiber_; }  // a finished fiber's resume returns an empty one

 private:
  [[no_unique_address]] yb::StackBounds stack_;  // before fiber_: its stack allocator writes it
  context::fiber fiber_;
};

template <class StackAllocator>
auto maker(const StackAllocator& stack) {
  return [stack](auto body) { return FiberCoroutine(stack, std::move(body)); };
}

// Runs `work(make)` with the variant's stack allocator. A pooled allocator lives for one
// operation: its blocks are freed when the last fiber using it is gone.
template <class Work>
std::uint64_t with_stack(int variant, const Work& work) {
  switch (variant) {
    case protected_: return work(maker(yb::CountedStack(context::protected_fixedsize_stack(kStackBytes))));
    case pooled: return work(maker(yb::CountedStack(context::pooled_fixedsize_stack(kStackBytes))));
    default: {
      const yb::AllocatorPages reuse_freed_stacks(yb::Pages::warm);
      return work(maker(yb::CountedStack(context::fixedsize_stack(kStackBytes))));
    }
  }
}

namespace workloads = coroutines::resume_yield;

template <WorkloadId id>
std::uint64_t run(Size size, int variant) {
  return with_stack(variant, [&](const auto& make) { return workloads::run<id>(size, make); });
}

// The stack matters where fibers are created; a switch costs the same whatever the stack.
std::vector<int> variants_for(const Workload& workload) {
  switch (workload.id) {
    case WorkloadId::create_destroy:
    case WorkloadId::alive_many: return {fixed, protected_, pooled};
    case WorkloadId::skynet: return {fixed, pooled};
    default: return {fixed};
  }
}

// Estimates for the limits below (where measured: docs/notes/coroutines.md): creating a fiber
// and running it to its first suspension, when k are kept alive (every stack is fresh memory:
// first-touch page faults).
constexpr double kAliveCreateSeconds[] = {4.5e-6, 15e-6, 8e-6};  // fixed, protected, pooled
// Pages a suspended fiber has touched: the top of its stack (Boost's fiber record and the first
// frames) and, for malloc'ed stacks, the allocator's header at the bottom.
constexpr double kAliveResidentBytes[] = {8192, 4096, 8192};

std::string limit(const Workload& workload, Size size, int variant) {
  if (workload.id != WorkloadId::alive_many) return {};
  const char* const param = workload.param;
  if (variant == protected_) {
    if (auto why = coroutines::mapping_limit(size, param, 2 * size.n,
                                             "2 per guard-page stack: the stack and its PROT_NONE guard");
        !why.empty()) {
      return why;
    }
  }
  const auto k = static_cast<double>(size.n);
  if (auto why = coroutines::memory_limit(size, param, k * kAliveResidentBytes[variant],
                                          "at least the touched pages of every 64 KiB stack");
      !why.empty()) {
    return why;
  }
  return coroutines::time_limit(size, param, k * kAliveCreateSeconds[variant],
                                "creating a fiber on fresh stack pages, measured here");
}

YB_REGISTER_IMPLEMENTATION({
    .name = "boost_fiber",
    .description = "stackful: boost::context::fiber, 64 KiB stack (stack: fixed = malloc, protected = mmap + guard "
                   "page, pooled = boost::pool); bytes_per_unit from rss_peak_bytes (stacks are not operator new)",
    .functions = {yb::implements(coroutines::switch_round_trip, run<WorkloadId::switch_round_trip>),
                  yb::implements(coroutines::create_destroy, run<WorkloadId::create_destroy>),
                  yb::implements(coroutines::send_receive, run<WorkloadId::send_receive>),
                  yb::implements(coroutines::alive_many, run<WorkloadId::alive_many>),
                  yb::implements(coroutines::round_robin, run<WorkloadId::round_robin>),
                  yb::implements(coroutines::skynet, run<WorkloadId::skynet>)},
    .variants = coroutines::variants("stack", {"fixed", "protected", "pooled"}),
    .variant_applies = coroutines::variant_applies(variants_for),
    .unavailable = coroutines::unavailable(limit),
    .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::rss},
});

}  // namespace
