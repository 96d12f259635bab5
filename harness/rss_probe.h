// Peak resident-set growth of a region of code, from the kernel's high-water mark.
//
// Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS, so VmHWM read after the
// region minus VmRSS read at its start is the region's peak growth, whatever it freed before
// the end. Reading /proc costs syscalls: call this only outside timed loops.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace yb::rss {

// Current resident set (VmRSS) and its high-water mark (VmHWM) of this process, in bytes.
std::optional<std::int64_t> resident_bytes();
std::optional<std::int64_t> high_water_bytes();

// Why peak-RSS measurement does not work here, or empty when it does (checked once).
const std::string& unavailable_reason();

class PeakGrowth {
 public:
  PeakGrowth();  // resets the high-water mark and records the starting RSS
  // Peak growth in bytes since construction; empty when the kernel does not support the reset.
  std::optional<std::int64_t> bytes() const;

 private:
  std::optional<std::int64_t> start_resident_;
};

}  // namespace yb::rss
