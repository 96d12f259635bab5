#include "coroutines/workloads.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "coroutines/implementation.h"
#include "measure.h"
#include "registry.h"
#include "system_memory.h"

namespace coroutines {
namespace {

// n(n-1)/2 mod 2^64 without overflowing the intermediate product.
std::uint64_t sum_below(std::uint64_t n) { return n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2); }

std::uint64_t read_number(const char* path, std::uint64_t fallback) {
  std::ifstream file(path);
  std::uint64_t value = 0;
  return (file >> value) ? value : fallback;
}

std::string size_text(Size size, const char* size_param) {
  return std::string(size_param) + "=" + std::to_string(size.n);
}

}  // namespace

std::uint64_t switch_round_trip_checksum(std::uint64_t n) { return sum_below(n); }

std::uint64_t send_receive_checksum(std::uint64_t n) {
  // Deliberately the plain protocol, not a closed form: running totals, summed.
  std::uint64_t total = 0, running = 0;
  for (std::uint64_t x = 0; x < n; ++x) {
    running += x;
    total += running;
  }
  return total;
}

std::uint64_t create_destroy_checksum(std::uint64_t n) { return 2 * sum_below(n); }
std::uint64_t alive_many_checksum(std::uint64_t k) { return 2 * sum_below(k); }

std::uint64_t round_robin_checksum(std::uint64_t tasks, std::uint64_t yields) {
  std::uint64_t hash = kRoundRobinSeed;
  for (std::uint64_t step = 0; step < yields; ++step) {
    for (std::uint64_t task = 0; task < tasks; ++task) hash = round_robin_fold(hash, task * yields + step);
  }
  return hash;
}

std::uint64_t skynet_checksum(std::uint64_t leaves) { return sum_below(leaves); }

std::uint64_t skynet_nodes(std::uint64_t leaves) {
  std::uint64_t nodes = 0;
  for (std::uint64_t level = leaves; level >= 1; level /= kSkynetFanOut) {
    nodes += level;
    if (level == 1) break;
  }
  return nodes;
}

std::uint64_t checksum(const Workload& workload, Size size) {
  switch (workload.id) {
    case WorkloadId::switch_round_trip: return switch_round_trip_checksum(size.n);
    case WorkloadId::create_destroy: return create_destroy_checksum(size.n);
    case WorkloadId::send_receive: return send_receive_checksum(size.n);
    case WorkloadId::alive_many: return alive_many_checksum(size.n);
    case WorkloadId::round_robin: return round_robin_checksum(size.n, size.m);
    case WorkloadId::skynet: return skynet_checksum(size.n);
  }
  return 0;
}

std::uint64_t items(const Workload& workload, Size size) {
  switch (workload.id) {
    case WorkloadId::round_robin: return size.n * size.m;
    case WorkloadId::skynet: return skynet_nodes(size.n);
    default: return size.n;
  }
}

std::uint64_t resident_budget_bytes() {
  constexpr std::uint64_t kCeiling = 2ull << 30;  // 2 GiB
  const auto available = yb::system_memory::meminfo_bytes("MemAvailable");
  return available ? std::min(kCeiling, static_cast<std::uint64_t>(*available) / 4) : kCeiling;
}

std::uint64_t max_map_count() { return read_number("/proc/sys/vm/max_map_count", 65530); }

std::uint64_t current_map_count() {
  std::ifstream maps("/proc/self/maps");
  std::uint64_t lines = 0;
  for (std::string line; std::getline(maps, line);) ++lines;
  return lines;
}

std::uint64_t threads_max() { return read_number("/proc/sys/kernel/threads-max", 0); }

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds >= 1) {
    std::snprintf(text, sizeof(text), "%.3g s", seconds);
  } else {
    std::snprintf(text, sizeof(text), "%.3g ms", seconds * 1e3);
  }
  return text;
}

std::string time_limit(Size size, const char* size_param, double estimated_seconds, const std::string& why,
                       double budget_seconds) {
  if (estimated_seconds <= budget_seconds) return {};
  return size_text(size, size_param) + ": ~" + format_seconds(estimated_seconds) + " per operation (" + why +
         ") against a " + format_seconds(budget_seconds) +
         " per-operation budget (a benchmark runs its operation ~8 times or more)";
}

std::string memory_limit(Size size, const char* size_param, double estimated_bytes, const std::string& why) {
  const auto budget = static_cast<double>(resident_budget_bytes());
  if (estimated_bytes <= budget) return {};
  return size_text(size, size_param) + ": ~" + format_bytes(estimated_bytes) + " resident (" + why +
         ") against this benchmark's budget of " + format_bytes(budget) +
         " (min of 2 GiB and MemAvailable/4: a shared machine)";
}

std::string mapping_limit(Size size, const char* size_param, std::uint64_t mappings, const std::string& why) {
  const std::uint64_t limit = max_map_count();
  const std::uint64_t held = current_map_count();
  if (held + mappings < limit) return {};
  return size_text(size, size_param) + ": " + std::to_string(mappings) + " mappings (" + why + ") + " +
         std::to_string(held) + " held > vm.max_map_count " + std::to_string(limit);
}

// --- Registration -------------------------------------------------------------------------------

namespace {

constexpr const char* kFamily = "coroutines";

[[maybe_unused]] const bool described = [] {
  yb::describe_family(kFamily,
                      "stackful (Boost.Context fiber, ucontext) vs stackless (C++20 coroutine, hand-written state "
                      "machine) coroutines, with an OS-thread handoff as the reference ceiling");
  return true;
}();

using benchmark::Counter;

const Counter* find_counter(const benchmark::State& state, const char* name) {
  const auto found = state.counters.find(name);
  return found == state.counters.end() ? nullptr : &found->second;
}

// Per-unit figures from what yb::measure reported for its memory-probe operation.
void add_unit_counters(benchmark::State& state, UnitMemory unit_memory, const Workload& workload, Size size) {
  const auto units = static_cast<double>(items(workload, size));
  if (workload.id == WorkloadId::create_destroy || workload.id == WorkloadId::alive_many ||
      workload.id == WorkloadId::skynet) {
    // Coroutines created per operation: create_destroy's n, alive_many's k, skynet's nodes.
    if (const Counter* allocs = find_counter(state, "heap_allocs")) {
      state.counters["heap_allocs_per_unit"] = Counter(allocs->value / units);
    }
  }
  if (workload.id != WorkloadId::alive_many) return;
  const Counter* heap = find_counter(state, "heap_peak_bytes");
  const Counter* rss = find_counter(state, "rss_peak_bytes");
  const auto bytes = [](double value) { return Counter(value, Counter::kDefaults, Counter::kIs1024); };
  if (heap != nullptr) state.counters["heap_bytes_per_unit"] = bytes(heap->value / units);
  if (rss != nullptr) state.counters["rss_bytes_per_unit"] = bytes(rss->value / units);
  const Counter* chosen = unit_memory == UnitMemory::heap ? heap : rss;
  if (chosen != nullptr) state.counters["bytes_per_unit"] = bytes(chosen->value / units);
}

yb::Params params_of(const char* param, const char* second_param, std::span<const Size> sizes) {
  std::vector<yb::Point> points;
  for (const Size size : sizes) {
    yb::Point point{{{param, std::to_string(size.n)}}};
    if (second_param != nullptr) point.params.emplace_back(second_param, std::to_string(size.m));
    points.push_back(std::move(point));
  }
  return yb::Params::list(std::move(points));
}

const Workload& as_workload(const yb::WorkloadBase& workload) { return static_cast<const Workload&>(workload); }

}  // namespace

Workload::Workload(WorkloadId id, const char* name, const char* description, const char* item, const char* param,
                   const char* second_param, std::span<const Size> sizes)
    : yb::Workload<Run>(
          kFamily, name, description, item, params_of(param, second_param, sizes),
          [this](benchmark::State& state, const yb::Implementation& implementation, const Run& run,
                 const yb::Point& point, const yb::Variant& variant) {
            const Size size = this->size(point);
            const yb::Expectation expected{coroutines::checksum(*this, size),
                                           static_cast<std::int64_t>(items(*this, size))};
            yb::measure(state, expected, [run, size, index = variant.index] { return run(size, index); });
            if (state.error_occurred()) return;
            const Details& details = implementation.details_as<Details>();
            add_unit_counters(state, details.unit_memory, *this, size);
            if (details.annotate != nullptr) details.annotate(state, variant.index);
          },
          [this](const yb::Point& point) { return coroutines::checksum(*this, this->size(point)); }),
      id(id),
      param(param),
      second_param(second_param),
      sizes(sizes) {}

yb::Point Workload::point(Size size) const {
  yb::Point point{{{param, std::to_string(size.n)}}};
  if (second_param != nullptr) point.params.emplace_back(second_param, std::to_string(size.m));
  return point;
}

Size Workload::size(const yb::Point& point) const {
  return {point.number(param), second_param != nullptr ? point.number(second_param) : 0};
}

const Workload switch_round_trip{
    WorkloadId::switch_round_trip,
    "switch_round_trip",
    "resume a suspended coroutine that yields straight back: n round trips (plus its creation and one final "
    "resume that lets it return)",
    "round trip",
    "n",
    nullptr,
    sizes::switch_round_trip};
const Workload create_destroy{
    WorkloadId::create_destroy,
    "create_destroy",
    "create a coroutine, run it to its first suspension, finish and free it; n times, one alive at a time",
    "coroutine",
    "n",
    nullptr,
    sizes::create_destroy};
const Workload send_receive{
    WorkloadId::send_receive,
    "send_receive",
    "a value goes in and another comes out on every resume (the seed's y = yield x with send): n round trips",
    "round trip",
    "n",
    nullptr,
    sizes::send_receive};
const Workload alive_many{
    WorkloadId::alive_many,
    "alive_many",
    "k coroutines suspended at once, then each finished: creation time and bytes_per_unit (memory per coroutine)",
    "coroutine",
    "k",
    nullptr,
    sizes::alive_many};
const Workload round_robin{
    WorkloadId::round_robin,
    "round_robin",
    "a scheduler interleaving `tasks` coroutines that each yield `yields` times (the seed's func1/func2 "
    "interleaving, generalised); the checksum depends on the order",
    "switch",
    "tasks",
    "yields",
    sizes::round_robin};
const Workload skynet{
    WorkloadId::skynet,
    "skynet",
    "the skynet tree: every node is a coroutine with 10 children, leaves return their index; 1,000,000 leaves "
    "sum to 499999500000",
    "coroutine",
    "leaves",
    nullptr,
    sizes::skynet};

std::vector<std::vector<yb::Param>> variants(const char* param, std::initializer_list<const char*> values) {
  std::vector<std::vector<yb::Param>> all;
  for (const char* value : values) all.push_back({{param, value}});
  return all;
}

std::function<bool(const yb::WorkloadBase&, const yb::Variant&)> variant_applies(
    std::vector<int> (*which)(const Workload& workload)) {
  return [which](const yb::WorkloadBase& workload, const yb::Variant& variant) {
    const std::vector<int> applying = which(as_workload(workload));
    return std::find(applying.begin(), applying.end(), variant.index) != applying.end();
  };
}

std::function<std::string(const yb::WorkloadBase&, const yb::Point&, const yb::Variant&)> unavailable(
    std::string (*limit)(const Workload& workload, Size size, int variant)) {
  return [limit](const yb::WorkloadBase& base, const yb::Point& point, const yb::Variant& variant) {
    const Workload& workload = as_workload(base);
    return limit(workload, workload.size(point), variant.index);
  };
}

std::vector<const yb::Implementation*> implementations() { return yb::implementations(kFamily); }

Run run_of(const yb::Implementation& implementation, const Workload& workload) {
  const Run* run = implementation.function<Run>(workload);
  return run == nullptr ? nullptr : *run;
}

std::vector<int> variants_of(const yb::Implementation& implementation, const Workload& workload) {
  std::vector<int> indexes;
  for (const yb::Variant& variant : implementation.variants_of(workload)) indexes.push_back(variant.index);
  return indexes;
}

std::string unavailable_reason(const yb::Implementation& implementation, const Workload& workload, Size size,
                               int variant) {
  std::vector<yb::Param> params;
  if (variant < static_cast<int>(implementation.variants.size())) params = implementation.variants.at(variant);
  return implementation.unavailable_reason(workload, workload.point(size), {variant, params});
}

}  // namespace coroutines
