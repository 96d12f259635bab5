#include <benchmark/benchmark.h>

#include <functional>
#include <optional>

#include "allocator_policy.h"
#include "generators/implementation.h"
#include "generators/workloads.h"
#include "measure.h"
#include "registry.h"

namespace generators {
namespace {

constexpr const char* kFamily = "generators";

std::vector<Implementation>& registered() {
  static std::vector<Implementation> all;
  return all;
}

using Body = std::function<void(benchmark::State&, std::uint64_t size)>;

// One benchmark per size; materialising implementations get one per allocator page mode.
void register_sizes(const Implementation& implementation, const Workload& workload, const Body& body) {
  std::vector<std::optional<yb::Pages>> page_modes{std::nullopt};
  if (implementation.materialises) page_modes = {yb::Pages::cold, yb::Pages::warm};
  for (const std::uint64_t size : workload.sizes) {
    for (const auto pages : page_modes) {
      yb::BenchmarkName name{
          kFamily, workload.name, implementation.name, {{workload.size_param, std::to_string(size)}}};
      if (pages) name.params.emplace_back("pages", yb::to_string(*pages));
      yb::register_benchmark(std::move(name), [body, size, pages](benchmark::State& state) {
        std::optional<yb::AllocatorPages> policy;
        if (pages) policy.emplace(*pages);
        body(state, size);
      });
    }
  }
}

[[maybe_unused]] const bool described = [] {
  yb::describe_family(kFamily, "eager std::vector lists vs lazy producers over the same element streams");
  for (const Workload* workload : {&sum_plus_one, &fibonacci_take, &pipeline_first, &csv_prices}) {
    yb::describe_workload(kFamily, workload->name, workload->description);
  }
  return true;
}();

}  // namespace

const std::vector<Implementation>& implementations() { return registered(); }

bool register_implementation(const Implementation& implementation) {
  registered().push_back(implementation);
  yb::describe_implementation(kFamily, implementation.name, implementation.description);

  const auto count = [](std::uint64_t size) { return static_cast<std::int64_t>(size); };
  register_sizes(implementation, sum_plus_one, [run = implementation.sum_plus_one, count](auto& state, auto n) {
    yb::measure(state, {sum_plus_one_checksum(n), count(n)}, [=] { return run(n); });
  });
  register_sizes(implementation, fibonacci_take, [run = implementation.fibonacci_take, count](auto& state, auto n) {
    yb::measure(state, {fibonacci_take_checksum(n), count(n)}, [=] { return run(n); });
  });
  // One query per operation: the point is how many elements each model touches to answer it.
  register_sizes(implementation, pipeline_first, [run = implementation.pipeline_first](auto& state, auto n) {
    yb::measure(state, {pipeline_first_checksum(n), 1}, [=] { return run(n); });
  });
  register_sizes(implementation, csv_prices, [run = implementation.csv_prices, count](auto& state, auto rows) {
    const CsvFile file(rows);
    yb::measure(state, {file.price_total(), count(rows)}, [&] { return run(file.path()); });
  });
  return true;
}

}  // namespace generators
