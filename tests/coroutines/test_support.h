// Shared by the coroutines tests: every (implementation, variant) pair the suite registers, and
// small sizes of every workload.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "coroutines/implementation.h"
#include "coroutines/workloads.h"

namespace coroutines::testing {

// One implementation with one of its variants (0 when it has none).
struct Subject {
  const yb::Implementation* implementation;
  int variant;

  std::string name() const {
    std::string text = implementation->name;
    if (!implementation->variants.empty()) {
      for (const auto& [key, value] : implementation->variants.at(variant)) text += "_" + key + "_" + value;
    }
    return text;
  }
  // The variant's value ("fixed", "same"), or empty.
  std::string variant_value() const {
    return implementation->variants.empty() ? "" : implementation->variants.at(variant).front().second;
  }
  friend void PrintTo(const Subject& subject, std::ostream* out) { *out << subject.name(); }
};

// Every variant an implementation registers for at least one workload.
inline std::vector<Subject> subjects() {
  std::vector<Subject> all;
  for (const yb::Implementation* implementation : implementations()) {
    std::vector<bool> used(implementation->variants.empty() ? 1 : implementation->variants.size(), false);
    for (const Workload* workload : all_workloads) {
      for (const int variant : variants_of(*implementation, *workload)) used.at(variant) = true;
    }
    for (int variant = 0; variant < static_cast<int>(used.size()); ++variant) {
      if (used[variant]) all.push_back({implementation, variant});
    }
  }
  return all;
}

// Whether `subject` is registered for `workload` (e.g. stack:protected is not run for skynet).
inline bool runs(const Subject& subject, const Workload& workload) {
  for (const int variant : variants_of(*subject.implementation, workload)) {
    if (variant == subject.variant) return true;
  }
  return false;
}

// Small sizes of every workload: quick for every implementation, OS threads included.
inline std::vector<Size> small_sizes(const Workload& workload) {
  switch (workload.id) {
    case WorkloadId::switch_round_trip:
    case WorkloadId::send_receive: return {{0}, {1}, {2}, {10}, {1'000}};
    case WorkloadId::create_destroy: return {{0}, {1}, {10}, {100}};
    case WorkloadId::alive_many: return {{0}, {1}, {100}, {1'000}};
    case WorkloadId::round_robin: return {{0, 5}, {1, 1}, {3, 4}, {10, 50}};
    case WorkloadId::skynet: return {{1}, {10}, {100}, {1'000}};
  }
  return {};
}

inline std::string size_text(const Workload& workload, Size size) {
  std::string text = workload.name() + " " + workload.param + "=" + std::to_string(size.n);
  if (workload.second_param != nullptr) text += std::string(" ") + workload.second_param + "=" + std::to_string(size.m);
  return text;
}

}  // namespace coroutines::testing
