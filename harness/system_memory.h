// What /proc/meminfo says about the whole machine's memory.
//
// System-wide figures: anything else running on the machine moves them too, so a caller
// divides a delta by a large count (thousands of connections, threads) before reading it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace yb::system_memory {

// The value of one /proc/meminfo line ("MemAvailable", "KernelStack", ...) in bytes, or nothing
// when the file or the line is missing.
std::optional<std::int64_t> meminfo_bytes(std::string_view key);

// Memory the kernel holds for its own objects and cannot reclaim: thread kernel stacks
// (KernelStack), unreclaimable slab (SUnreclaim: task_struct, sockets, epoll items, io_uring
// rings) and page tables (PageTables). Nothing when a line is missing.
std::optional<std::int64_t> kernel_unreclaimable_bytes();

}  // namespace yb::system_memory
