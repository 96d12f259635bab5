#include "registration.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

#include "measure.h"

namespace yb {
namespace {

// Function-local statics: workloads and implementations register during static initialisation.
std::vector<const WorkloadBase*>& all_workloads() {
  static std::vector<const WorkloadBase*> all;
  return all;
}

// unique_ptr: the benchmarks' bodies keep pointers to them.
std::vector<std::unique_ptr<const Implementation>>& all_implementations() {
  static std::vector<std::unique_ptr<const Implementation>> all;
  return all;
}

std::vector<std::string> to_strings(std::initializer_list<std::uint64_t> values) {
  std::vector<std::string> text;
  for (const std::uint64_t value : values) text.push_back(std::to_string(value));
  return text;
}

}  // namespace

const std::string& Point::operator[](std::string_view key) const {
  for (const auto& [name, value] : params) {
    if (name == key) return value;
  }
  throw std::out_of_range("yieldbench: no parameter " + std::string(key));
}

std::uint64_t Point::number(std::string_view key) const { return std::stoull((*this)[key]); }

bool Point::has(std::string_view key) const {
  return std::any_of(params.begin(), params.end(), [key](const Param& param) { return param.first == key; });
}

Params::Axis::Axis(std::string key, std::initializer_list<std::uint64_t> values)
    : key(std::move(key)), values(to_strings(values)) {}
Params::Axis::Axis(std::string key, std::initializer_list<const char*> values)
    : key(std::move(key)), values(values.begin(), values.end()) {}
Params::Axis::Axis(std::string key, std::vector<std::string> values) : key(std::move(key)), values(std::move(values)) {}

Params::Params(std::initializer_list<Axis> axes) : points_{Point{}} {
  for (const Axis& axis : axes) {
    std::vector<Point> product;
    for (const Point& point : points_) {
      for (const std::string& value : axis.values) {
        Point more = point;
        more.params.emplace_back(axis.key, value);
        product.push_back(std::move(more));
      }
    }
    points_ = std::move(product);
  }
}

Params Params::list(std::vector<Point> points) {
  Params params;
  params.points_ = std::move(points);
  return params;
}

Params Params::operator+(const Params& more) const {
  Params sum = *this;
  sum.points_.insert(sum.points_.end(), more.points_.begin(), more.points_.end());
  return sum;
}

Params Params::with(Param param) const {
  Params extended = *this;
  for (Point& point : extended.points_) point.params.push_back(param);
  return extended;
}

Params Params::full_profile_only() const {
  Params marked = *this;
  for (Point& point : marked.points_) point.full_profile_only = true;
  return marked;
}

WorkloadBase::WorkloadBase(std::string family, std::string name, std::string description, std::string item,
                           Params params, std::size_t variants_at)
    : family_(std::move(family)),
      name_(std::move(name)),
      description_(std::move(description)),
      item_(std::move(item)),
      params_(std::move(params)),
      variants_at_(variants_at) {
  all_workloads().push_back(this);
  describe_workload(family_, name_, description_);
}

std::vector<Param> WorkloadBase::name_params(const Point& point, const Variant& variant) const {
  std::vector<Param> params = point.params;
  const auto at = params.begin() + static_cast<std::ptrdiff_t>(std::min(variants_at_, params.size()));
  params.insert(at, variant.params.begin(), variant.params.end());
  return params;
}

std::string WorkloadBase::benchmark_name(const std::string& implementation, const Point& point,
                                         const Variant& variant) const {
  return BenchmarkName{family_, name_, implementation, name_params(point, variant)}.str();
}

const std::string& Implementation::family() const {
  if (functions.empty()) throw std::logic_error("yieldbench: implementation " + name + " implements no workload");
  return functions.front().workload->family();
}

bool Implementation::implements(const WorkloadBase& workload) const {
  return std::any_of(functions.begin(), functions.end(),
                     [&workload](const WorkloadFunction& entry) { return entry.workload == &workload; });
}

std::vector<Variant> Implementation::variants_of(const WorkloadBase& workload) const {
  if (variants.empty()) return {Variant{}};
  std::vector<Variant> applying;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    Variant variant{static_cast<int>(i), variants[i]};
    if (variant_applies == nullptr || variant_applies(workload, variant)) applying.push_back(std::move(variant));
  }
  return applying;
}

std::string Implementation::unavailable_reason(const WorkloadBase& workload, const Point& point,
                                               const Variant& variant) const {
  return unavailable == nullptr ? std::string() : unavailable(workload, point, variant);
}

bool register_implementation(Implementation implementation) {
  if (!implementation.description.empty()) {
    describe_implementation(implementation.family(), implementation.name, implementation.description);
  }
  all_implementations().push_back(std::make_unique<const Implementation>(std::move(implementation)));
  return true;
}

std::vector<const Implementation*> implementations(const std::string& family) {
  std::vector<const Implementation*> found;
  for (const auto& implementation : all_implementations()) {
    if (implementation->family() == family) found.push_back(implementation.get());
  }
  return found;
}

const Implementation* find_implementation(const std::string& family, const std::string& name) {
  for (const Implementation* implementation : implementations(family)) {
    if (implementation->name == name) return implementation;
  }
  return nullptr;
}

std::vector<const WorkloadBase*> workloads(const std::string& family) {
  std::vector<const WorkloadBase*> found;
  for (const WorkloadBase* workload : all_workloads()) {
    if (workload->family() == family) found.push_back(workload);
  }
  return found;
}

std::vector<std::pair<BenchmarkName, BenchmarkBody>> benchmarks_of(const Implementation& implementation) {
  std::vector<std::pair<BenchmarkName, BenchmarkBody>> benchmarks;
  const Implementation* owner = &implementation;
  for (const WorkloadFunction& entry : implementation.functions) {
    const WorkloadBase* workload = entry.workload;
    const std::any* function = &entry.function;
    for (const Point& point : workload->params().points()) {
      for (const Variant& variant : implementation.variants_of(*workload)) {
        benchmarks.emplace_back(BenchmarkName{workload->family(), workload->name(), implementation.name,
                                              workload->name_params(point, variant)},
                                [owner, workload, function, point, variant](benchmark::State& state) {
                                  const std::string reason = owner->unavailable_reason(*workload, point, variant);
                                  if (!reason.empty()) return skip(state, reason);
                                  workload->run(state, *owner, *function, point, variant);
                                });
      }
    }
  }
  return benchmarks;
}

void register_implementations() {
  for (const auto& implementation : all_implementations()) {
    for (auto& [name, body] : benchmarks_of(*implementation)) register_benchmark(std::move(name), std::move(body));
  }
}

std::vector<std::string> not_implemented() {
  std::vector<std::string> paths;
  std::set<std::pair<std::string, std::string>> seen;  // family, implementation
  for (const auto& implementation : all_implementations()) {
    const std::string& family = implementation->family();
    if (!seen.emplace(family, implementation->name).second) continue;
    // Every part registered under this name.
    std::vector<const Implementation*> parts;
    for (const Implementation* part : implementations(family)) {
      if (part->name == implementation->name) parts.push_back(part);
    }
    for (const WorkloadBase* workload : workloads(family)) {
      if (std::any_of(parts.begin(), parts.end(),
                      [workload](const Implementation* part) { return part->implements(*workload); })) {
        continue;
      }
      paths.push_back(family + "/" + workload->name() + "/" + implementation->name);
    }
  }
  return paths;
}

void add_item_context() {
  for (const WorkloadBase* workload : all_workloads()) {
    benchmark::AddCustomContext("yb_item:" + workload->family() + "/" + workload->name(), workload->item());
  }
}

void print_not_implemented() {
  for (const std::string& path : not_implemented()) std::printf("not_implemented\t%s\n", path.c_str());
}

std::vector<std::string> full_profile_only() {
  std::vector<std::string> names;
  for (const auto& implementation : all_implementations()) {
    for (const WorkloadFunction& entry : implementation->functions) {
      for (const Point& point : entry.workload->params().points()) {
        if (!point.full_profile_only) continue;
        for (const Variant& variant : implementation->variants_of(*entry.workload)) {
          names.push_back(entry.workload->benchmark_name(implementation->name, point, variant));
        }
      }
    }
  }
  return names;
}

void print_full_profile_only() {
  for (const std::string& name : full_profile_only()) std::printf("full_profile_only\t%s\n", name.c_str());
}

}  // namespace yb
