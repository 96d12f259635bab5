#include "system_memory.h"

#include <fstream>
#include <string>

namespace yb::system_memory {

std::optional<std::int64_t> meminfo_bytes(std::string_view key) {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    // "KernelStack:        9536 kB": every line this is used for is in kB.
    const auto colon = line.find(':');
    if (colon == std::string::npos || std::string_view(line).substr(0, colon) != key) continue;
    try {
      return static_cast<std::int64_t>(std::stoll(line.substr(colon + 1))) * 1024;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> kernel_unreclaimable_bytes() {
  std::int64_t total = 0;
  for (const std::string_view key : {"KernelStack", "SUnreclaim", "PageTables"}) {
    const auto bytes = meminfo_bytes(key);
    if (!bytes) return std::nullopt;
    total += *bytes;
  }
  return total;
}

}  // namespace yb::system_memory
