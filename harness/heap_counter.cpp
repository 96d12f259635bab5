#include "heap_counter.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace yb::heap {
namespace {

// Plain globals of atomic type: constant-initialised, so allocations made during static
// initialisation (before any constructor could run) are safe.
std::atomic<bool> counting{false};
std::atomic<std::int64_t> allocations{0};
std::atomic<std::int64_t> allocated_bytes{0};
std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_live_bytes{0};

void add_block(std::size_t requested, std::int64_t held) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(static_cast<std::int64_t>(requested), std::memory_order_relaxed);
  const std::int64_t live = live_bytes.fetch_add(held, std::memory_order_relaxed) + held;
  std::int64_t peak = peak_live_bytes.load(std::memory_order_relaxed);
  while (live > peak && !peak_live_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

void on_allocate(void* block, std::size_t requested) {
  if (!counting.load(std::memory_order_relaxed)) return;
  add_block(requested, static_cast<std::int64_t>(malloc_usable_size(block)));
}

void on_free(void* block) {
  if (block == nullptr || !counting.load(std::memory_order_relaxed)) return;
  live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(block)), std::memory_order_relaxed);
}

void* allocate(std::size_t size) {
  void* block = std::malloc(size == 0 ? 1 : size);
  if (block != nullptr) on_allocate(block, size);
  return block;
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) {
  void* block = nullptr;
  const auto align = static_cast<std::size_t>(alignment);
  if (posix_memalign(&block, align < sizeof(void*) ? sizeof(void*) : align, size == 0 ? 1 : size) != 0) {
    return nullptr;
  }
  on_allocate(block, size);
  return block;
}

void release(void* block) noexcept {
  on_free(block);
  std::free(block);
}

}  // namespace

void start_counting() {
  counting.store(false, std::memory_order_relaxed);
  allocations.store(0, std::memory_order_relaxed);
  allocated_bytes.store(0, std::memory_order_relaxed);
  live_bytes.store(0, std::memory_order_relaxed);
  peak_live_bytes.store(0, std::memory_order_relaxed);
  counting.store(true, std::memory_order_seq_cst);
}

void count_allocation(std::size_t bytes) {
  if (counting.load(std::memory_order_relaxed)) add_block(bytes, static_cast<std::int64_t>(bytes));
}

void count_release(std::size_t bytes) {
  if (counting.load(std::memory_order_relaxed)) {
    live_bytes.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
  }
}

Usage current() {
  return Usage{allocations.load(std::memory_order_relaxed), allocated_bytes.load(std::memory_order_relaxed),
               peak_live_bytes.load(std::memory_order_relaxed), live_bytes.load(std::memory_order_relaxed)};
}

Usage stop_counting() {
  counting.store(false, std::memory_order_seq_cst);
  return current();
}

}  // namespace yb::heap

// The replaceable global allocation functions ([new.delete]); every overload routes through the
// counting helpers above so no allocation path escapes the count.
using yb::heap::allocate;
using yb::heap::allocate_aligned;
using yb::heap::release;

void* operator new(std::size_t size) {
  if (void* block = allocate(size)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* block = allocate(size)) return block;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  if (void* block = allocate_aligned(size, alignment)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  if (void* block = allocate_aligned(size, alignment)) return block;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return allocate_aligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return allocate_aligned(size, alignment);
}

void operator delete(void* block) noexcept { release(block); }
void operator delete[](void* block) noexcept { release(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { release(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { release(block); }
void operator delete(void* block, std::size_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t) noexcept { release(block); }
void operator delete(void* block, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, std::align_val_t, const std::nothrow_t&) noexcept { release(block); }
void operator delete[](void* block, std::align_val_t, const std::nothrow_t&) noexcept { release(block); }
