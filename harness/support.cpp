#include "support.h"

#include <cstdio>

namespace yb {

std::string format_bytes(double bytes) {
  const char* unit = "B";
  for (const char* next : {"KiB", "MiB", "GiB", "TiB"}) {
    if (bytes < 1024) break;
    bytes /= 1024;
    unit = next;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g %s", bytes, unit);
  return text;
}

}  // namespace yb
