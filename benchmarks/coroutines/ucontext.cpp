// Stackful, the POSIX way: every coroutine is a ucontext_t entered with makecontext and switched
// with swapcontext. Same 64 KiB malloc'ed stack as boost_fiber's stack:fixed, so the two differ
// only in the switch: glibc's swapcontext saves and restores the signal mask, a rt_sigprocmask
// system call on every switch (two per round trip), where Boost.Context's jump_fcontext saves a
// few registers. The coroutine's control block (both contexts, the body) sits at the top of its
// own stack, so a coroutine costs one malloc and is freed when its body returns. The heap keeps
// freed stacks for reuse within an operation and gives them back at its end, as for
// boost_fiber's stack:fixed (see there). Every switch is announced to AddressSanitizer
// (harness/fiber_sanitizer.h; nothing otherwise); ThreadSanitizer needs nothing here.
#include <ucontext.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#include "allocator_policy.h"
#include "coroutines/implementation.h"
#include "coroutines/resume_yield.h"
#include "coroutines/workloads.h"
#include "fiber_sanitizer.h"
#include "heap_counter.h"

namespace {

using coroutines::Size;
using coroutines::Workload;
using coroutines::WorkloadId;

constexpr std::size_t kStackBytes = 64 * 1024;

// Lives at the top of the coroutine's stack block. Never copied or moved: swapcontext keeps
// pointers into it (uc_link, the saved FPU state).
template <class Body>
struct Control {
  explicit Control(Body&& b, void* stack_block, std::size_t stack_bytes)
      : body(std::move(b)), block(stack_block), stack(yb::stack_bounds(stack_block, stack_bytes)) {}
  ucontext_t self{};
  ucontext_t caller{};
  Body body;
  void* block;
  [[no_unique_address]] yb::StackBounds stack;
  [[no_unique_address]] yb::StackBounds caller_stack;
  bool done = false;

  void yield() {
    yb::FiberSwitch to_caller(caller_stack);
    swapcontext(&self, &caller);
    caller_stack = to_caller.landed();
  }
};

template <class Body>
class UContextCoroutine {
 public:
  UContextCoroutine() = default;
  explicit UContextCoroutine(Body body) {
    void* block = std::malloc(kStackBytes);
    if (block == nullptr) throw std::bad_alloc();
    yb::heap::count_allocation(kStackBytes);  // malloc is not operator new: reported to heap_* here
    const auto top = reinterpret_cast<std::uintptr_t>(block) + kStackBytes;
    const auto at = (top - sizeof(Control<Body>)) & ~std::uintptr_t{63};
    const std::size_t stack_bytes = at - reinterpret_cast<std::uintptr_t>(block);
    control_ = new (reinterpret_cast<void*>(at)) Control<Body>(std::move(body), block, stack_bytes);
    getcontext(&control_->self);
    control_->self.uc_stack.ss_sp = block;
    control_->self.uc_stack.ss_size = stack_bytes;
    control_->self.uc_link = &control_->caller;  // where the body's return goes
    const auto address = reinterpret_cast<std::uintptr_t>(control_);
    // makecontext passes int arguments: the pointer travels in two halves.
    makecontext(&control_->self, reinterpret_cast<void (*)()>(&entry), 2, static_cast<unsigned>(address >> 32),
                static_cast<unsigned>(address & 0xffffffffu));
  }
  UContextCoroutine(UContextCoroutine&& other) noexcept : control_(std::exchange(other.control_, nullptr)) {}
  UContextCoroutine& operator=(UContextCoroutine&& other) noexcept {
    std::swap(control_, other.control_);
    return *this;
  }
  ~UContextCoroutine() { release(); }

  void resume() {
    yb::FiberSwitch to_coroutine(control_->stack);
    swapcontext(&control_->caller, &control_->self);
    to_coroutine.landed();
    if (control_->done) release();  // a finished coroutine holds nothing
  }
  bool done() const { return control_ == nullptr; }

 private:
  static void entry(unsigned high, unsigned low) {
    auto* control = reinterpret_cast<Control<Body>*>((static_cast<std::uintptr_t>(high) << 32) | low);
    control->caller_stack = yb::fiber_entered();
    control->body(*control);
    control->done = true;
    yb::fiber_leaving_for_good(control->caller_stack);
  }  // returning follows uc_link back into resume()

  // Frees the block; a coroutine still suspended holds only trivially destructible frames here.
  void release() {
    if (control_ == nullptr) return;
    void* block = control_->block;
    control_->~Control();
    yb::heap::count_release(kStackBytes);
    std::free(block);
    control_ = nullptr;
  }

  Control<Body>* control_ = nullptr;
};

const auto make = [](auto body) { return UContextCoroutine<decltype(body)>(std::move(body)); };
namespace workloads = coroutines::resume_yield;

template <class Work>
std::uint64_t reusing_freed_stacks(const Work& work) {
  const yb::AllocatorPages reuse(yb::Pages::warm);
  return work();
}

template <WorkloadId id>
std::uint64_t run(Size size, int) {
  return reusing_freed_stacks([&] { return workloads::run<id>(size, make); });
}

// Estimates for the limits below (where they were measured: docs/notes/coroutines.md).
constexpr double kSwitchSeconds = 0.32e-6;      // one swapcontext (a rt_sigprocmask system call)
constexpr double kAliveCreateSeconds = 4.5e-6;  // malloc + fresh stack pages + getcontext, k alive
constexpr double kCreateSeconds = 0.4e-6;       // the same when the freed block is reused at once
constexpr double kAliveResidentBytes = 8192;    // control block page(s) at the top + malloc header

std::string limit(const Workload& workload, Size size, int) {
  const auto n = static_cast<double>(size.n);
  switch (workload.id) {
    case WorkloadId::alive_many: {
      if (auto why = coroutines::memory_limit(size, workload.param, n * kAliveResidentBytes,
                                              "at least the touched pages of every 64 KiB stack");
          !why.empty()) {
        return why;
      }
      return coroutines::time_limit(size, workload.param, n * (kAliveCreateSeconds + 4 * kSwitchSeconds),
                                    "fresh stack pages and 4 swapcontext per coroutine, measured here");
    }
    case WorkloadId::skynet: {
      const auto nodes = static_cast<double>(coroutines::skynet_nodes(size.n));
      return coroutines::time_limit(size, workload.param, nodes * (kCreateSeconds + 2 * kSwitchSeconds),
                                    std::to_string(coroutines::skynet_nodes(size.n)) +
                                        " coroutines, each created and entered and left once by swapcontext");
    }
    default: return {};
  }
}

YB_REGISTER_IMPLEMENTATION({
    .name = "ucontext",
    .description = "stackful: makecontext/swapcontext on a 64 KiB malloc'ed stack; every switch is a "
                   "rt_sigprocmask system call; bytes_per_unit from rss_peak_bytes (stacks are malloc'ed)",
    .functions = {yb::implements(coroutines::switch_round_trip, run<WorkloadId::switch_round_trip>),
                  yb::implements(coroutines::create_destroy, run<WorkloadId::create_destroy>),
                  yb::implements(coroutines::send_receive, run<WorkloadId::send_receive>),
                  yb::implements(coroutines::alive_many, run<WorkloadId::alive_many>),
                  yb::implements(coroutines::round_robin, run<WorkloadId::round_robin>),
                  yb::implements(coroutines::skynet, run<WorkloadId::skynet>)},
    .unavailable = coroutines::unavailable(limit),
    .details = coroutines::Details{.unit_memory = coroutines::UnitMemory::rss},
});

}  // namespace
