// One registration shape for every family: a benchmark is an implementation × a workload × the
// workload's parameter axes (like Google Benchmark's ArgsProduct/ArgNames) × the implementation's
// variants.
//
//   - A family defines one yb::Workload<Function> per workload (declared in its workloads.h): its
//     name, what one item of an operation is called (reports lead with time per item), its parameter points, the body
//     that measures one implementation's Function at one point, and its checksum.
//   - Each implementation's file registers one yb::Implementation: its name, the workloads it
//     implements (yb::implements(workload, function)), optional variants, and one `unavailable`
//     hook that says "cannot run here, because…" (the benchmark is then a skip with that reason).
//
//     YB_REGISTER_IMPLEMENTATION({
//         .name = "callback",
//         .description = "internal iteration: ...",
//         .functions = {yb::implements(generators::sum_plus_one, sum_plus_one)},
//     });
//
// Benchmarks are named family/workload/implementation/key:value..., the point's parameters with
// the variant's inserted at the workload's `variants_at`. The workloads of its family an
// implementation does not implement are listed by `--yb_list` as not_implemented.
#pragma once

#include <benchmark/benchmark.h>

#include <any>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry.h"

namespace yb {

using Param = std::pair<std::string, std::string>;

// One point of a workload's parameter space: {{"n", "1000"}, {"pages", "cold"}}.
struct Point {
  std::vector<Param> params;
  // Measured by the full profile only: a case whose setup costs seconds a process (10,000 connections),
  // which the quick profile's time budget cannot pay on every run. `--yb_list` names it.
  bool full_profile_only = false;

  // The value of `key`; throws std::out_of_range when the point has none.
  const std::string& operator[](std::string_view key) const;
  std::uint64_t number(std::string_view key) const;
  bool has(std::string_view key) const;
};

// An implementation's variant: the parameters it adds to the name (none for the default) and its
// index in the implementation's `variants`, which the implementation's functions receive.
struct Variant {
  int index = 0;
  std::vector<Param> params;
};

// A workload's parameter points: the product of named axes, first axis outermost, or a list.
class Params {
 public:
  struct Axis {
    Axis(std::string key, std::initializer_list<std::uint64_t> values);
    Axis(std::string key, std::initializer_list<const char*> values);
    Axis(std::string key, std::vector<std::string> values);
    std::string key;
    std::vector<std::string> values;
  };

  Params() : points_{Point{}} {}  // one point without parameters
  Params(std::initializer_list<Axis> axes);
  static Params list(std::vector<Point> points);

  // Every point of this, then every point of `more`.
  Params operator+(const Params& more) const;
  // Every point of this with `param` appended.
  Params with(Param param) const;
  // Every point of this, marked Point::full_profile_only.
  Params full_profile_only() const;

  const std::vector<Point>& points() const { return points_; }

 private:
  std::vector<Point> points_;
};

class Implementation;

// What every workload has, whatever its Function type.
class WorkloadBase {
 public:
  static constexpr std::size_t kVariantsLast = std::numeric_limits<std::size_t>::max();

  // `item` names what an operation is made of ("round trip", "element"): the unit of items_per_second.
  WorkloadBase(std::string family, std::string name, std::string description, std::string item, Params params,
               std::size_t variants_at);
  WorkloadBase(const WorkloadBase&) = delete;
  WorkloadBase& operator=(const WorkloadBase&) = delete;
  virtual ~WorkloadBase() = default;

  const std::string& family() const { return family_; }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::string& item() const { return item_; }
  const Params& params() const { return params_; }
  // The benchmark name of `implementation` at `point` and `variant`.
  std::string benchmark_name(const std::string& implementation, const Point& point, const Variant& variant) const;
  std::vector<Param> name_params(const Point& point, const Variant& variant) const;

  // Runs one benchmark: `function` is what `implementation` registered for this workload.
  virtual void run(benchmark::State& state, const Implementation& implementation, const std::any& function,
                   const Point& point, const Variant& variant) const = 0;

 private:
  std::string family_, name_, description_, item_;
  Params params_;
  std::size_t variants_at_;  // how many of a point's parameters precede the variant's
};

// A family's workload whose implementations provide a Function (a function pointer, usually).
// Constructing one registers it with its family, in the order of construction.
template <class Function>
class Workload : public WorkloadBase {
 public:
  // Measures `function` at `point` with yb::measure and adds the family's counters.
  using Body =
      std::function<void(benchmark::State&, const Implementation&, const Function&, const Point&, const Variant&)>;
  // The answer one operation must return at `point`, where it does not depend on setup.
  using Checksum = std::function<std::uint64_t(const Point&)>;

  Workload(std::string family, std::string name, std::string description, std::string item, Params params, Body body,
           Checksum checksum = nullptr, std::size_t variants_at = kVariantsLast)
      : WorkloadBase(std::move(family), std::move(name), std::move(description), std::move(item), std::move(params),
                     variants_at),
        body_(std::move(body)),
        checksum_(std::move(checksum)) {}

  std::uint64_t checksum(const Point& point) const { return checksum_(point); }
  bool has_checksum() const { return checksum_ != nullptr; }

  void run(benchmark::State& state, const Implementation& implementation, const std::any& function, const Point& point,
           const Variant& variant) const override {
    body_(state, implementation, std::any_cast<const Function&>(function), point, variant);
  }

 private:
  Body body_;
  Checksum checksum_;
};

// One workload an implementation implements, with its function. Made by yb::implements.
struct WorkloadFunction {
  const WorkloadBase* workload;
  std::any function;
};

template <class Function, class Given>
WorkloadFunction implements(const Workload<Function>& workload, Given function) {
  return {&workload, std::any(Function(function))};
}

class Implementation {
 public:
  std::string name = {};
  std::string description = {};  // one part of a name registered in parts is enough
  std::vector<WorkloadFunction> functions = {};
  // Named variants ({"stack", "fixed"}, ...); each runs every workload unless variant_applies says not.
  std::vector<std::vector<Param>> variants = {};
  std::function<bool(const WorkloadBase&, const Variant&)> variant_applies = nullptr;
  // Why this benchmark cannot run here (a kernel limit, memory, time), or empty when it can.
  std::function<std::string(const WorkloadBase&, const Point&, const Variant&)> unavailable = nullptr;
  // What the family's bodies need beyond the function (e.g. which counter is per-unit memory).
  std::any details = {};

  const std::string& family() const;
  bool implements(const WorkloadBase& workload) const;
  // The function registered for `workload`, or null.
  template <class Function>
  const Function* function(const Workload<Function>& workload) const {
    for (const auto& entry : functions) {
      if (entry.workload == &workload) return std::any_cast<Function>(&entry.function);
    }
    return nullptr;
  }
  // The variants that run `workload` (one unnamed variant when there are none).
  std::vector<Variant> variants_of(const WorkloadBase& workload) const;
  // The reason from `unavailable`, or empty.
  std::string unavailable_reason(const WorkloadBase& workload, const Point& point, const Variant& variant) const;
  template <class Details>
  const Details& details_as() const {
    return std::any_cast<const Details&>(details);
  }
};

// Keeps `implementation`; benchmarks are made from it by register_implementations(). Returns true
// for use in a static initialiser (YB_REGISTER_IMPLEMENTATION). An implementation normally
// registers once, from its own file; where a family keeps a workload's implementations together in
// one file (io's pipe_ping_pong, file_read), a name may register in parts, each with its own
// workloads and variants, and only one part needs the description.
bool register_implementation(Implementation implementation);

// The registered implementations and workloads of `family`, in registration order.
std::vector<const Implementation*> implementations(const std::string& family);
const Implementation* find_implementation(const std::string& family, const std::string& name);  // first part
std::vector<const WorkloadBase*> workloads(const std::string& family);

// One benchmark of `implementation` per workload it implements, point and variant that applies;
// a benchmark whose `unavailable` gives a reason is a skip with it. `implementation` must outlive them.
std::vector<std::pair<BenchmarkName, BenchmarkBody>> benchmarks_of(const Implementation& implementation);

// Turns every implementation into benchmarks (yb::register_benchmark), one per workload it
// implements, point and variant that applies; a benchmark whose `unavailable` gives a reason
// is a skip with it. Called once, before register_all_with_google_benchmark.
void register_implementations();

// "family/workload/implementation" for every workload of its family that an implementation does
// not implement; print_not_implemented() writes each as a "not_implemented<TAB>..." line (--yb_list).
std::vector<std::string> not_implemented();

// Names every registered workload's item in the run context, as "yb_item:family/workload" keys
// (ybresults/items.py reads them).
void add_item_context();
void print_not_implemented();

// Every registered benchmark at a Point::full_profile_only point; print_full_profile_only() writes each as a
// "full_profile_only<TAB>name" line (--yb_list), for `yieldbench run` to leave out of shorter profiles.
std::vector<std::string> full_profile_only();
void print_full_profile_only();

}  // namespace yb

#define YB_REGISTRATION_CONCAT_(a, b) a##b
#define YB_REGISTRATION_CONCAT(a, b) YB_REGISTRATION_CONCAT_(a, b)
// Registers one implementation from a static initialiser: YB_REGISTER_IMPLEMENTATION({.name = ...});
#define YB_REGISTER_IMPLEMENTATION(...)                                                    \
  [[maybe_unused]] static const bool YB_REGISTRATION_CONCAT(yb_registered_, __COUNTER__) = \
      ::yb::register_implementation(::yb::Implementation __VA_ARGS__)
