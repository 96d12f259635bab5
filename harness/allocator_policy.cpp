#include "allocator_policy.h"

#include <malloc.h>

namespace yb {
namespace {

constexpr int kGlibcDefaultThreshold = 128 * 1024;
constexpr int kGlibcDefaultMmapMax = 65536;
constexpr int kNeverTrim = 1 << 30;

}  // namespace

const char* to_string(Pages pages) { return pages == Pages::cold ? "cold" : "warm"; }

void pin_cold_allocator_policy() {
  // Setting M_MMAP_THRESHOLD explicitly also switches off glibc's dynamic adjustment.
  mallopt(M_MMAP_MAX, kGlibcDefaultMmapMax);
  mallopt(M_MMAP_THRESHOLD, kGlibcDefaultThreshold);
  mallopt(M_TRIM_THRESHOLD, kGlibcDefaultThreshold);
}

AllocatorPages::AllocatorPages(Pages pages) : pages_(pages) {
  if (pages_ == Pages::warm) {
    // No mmap at all (the largest threshold, 32 MiB, would still send bigger blocks to fresh
    // pages), and no trimming: freed memory stays resident for the next operation.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, kNeverTrim);
  } else {
    pin_cold_allocator_policy();
  }
}

AllocatorPages::~AllocatorPages() {
  pin_cold_allocator_policy();
  if (pages_ == Pages::warm) malloc_trim(0);
}

}  // namespace yb
