// Not enough memory for alive_many: a size whose estimated resident memory exceeds this machine's
// budget is skipped with a reason naming the size, the estimate and the budget, before anything is
// allocated, so a million stackful coroutines on a small machine end as a skip, never as the OOM killer.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_support.h"

namespace coroutines {
namespace {

constexpr std::uint64_t kTwoGiB = 2ull << 30;
constexpr Size kMillion{1'000'000};

// The budget follows MemAvailable, which other processes move between two reads: only its ceiling is
// checked exactly.
TEST(CoroutinesMemoryLimit, BudgetIsPositiveAndAtMostTwoGiB) {
  const std::uint64_t budget = resident_budget_bytes();
  EXPECT_GT(budget, 0u);
  EXPECT_LE(budget, kTwoGiB);
}

TEST(CoroutinesMemoryLimit, AnEstimateWithinTheBudgetIsNoReason) {
  EXPECT_EQ(memory_limit(Size{1'000}, "k", 4096.0, "one page each"), "");
}

TEST(CoroutinesMemoryLimit, AnEstimateBeyondTheBudgetNamesTheSizeTheEstimateAndTheBudget) {
  const auto budget = static_cast<double>(resident_budget_bytes());
  const std::string reason = memory_limit(kMillion, "k", 4 * budget, "touched stack pages");
  EXPECT_EQ(reason.rfind("k=1000000: ~" + format_bytes(4 * budget) + " resident (touched stack pages)", 0), 0u)
      << reason;
  EXPECT_NE(reason.find("budget of " + format_bytes(budget)), std::string::npos) << reason;
  EXPECT_NE(reason.find("MemAvailable"), std::string::npos) << reason;
}

// A suspended stackful coroutine holds at least one touched stack page (4-8 KiB): a million of them
// is beyond even the 2 GiB ceiling, so on every machine this is the memory skip, not a time estimate.
// (stack:protected meets vm.max_map_count first; benchmarks_test.cpp covers that skip.)
TEST(CoroutinesMemoryLimit, AMillionStackfulCoroutinesAreSkippedForMemory) {
  int checked = 0;
  for (const testing::Subject& subject : testing::subjects()) {
    const yb::Implementation& implementation = *subject.implementation;
    const std::string name = implementation.name;
    if (name != "ucontext" && name != "boost_fiber") continue;
    if (subject.variant_value() == "protected") continue;
    if (!testing::runs(subject, alive_many)) continue;
    ASSERT_NE(implementation.unavailable, nullptr) << subject.name();
    const std::string reason = unavailable_reason(implementation, alive_many, kMillion, subject.variant);
    EXPECT_EQ(reason.rfind("k=1000000: ~", 0), 0u) << subject.name() << ": " << reason;
    EXPECT_NE(reason.find(" resident ("), std::string::npos) << subject.name() << ": " << reason;
    EXPECT_NE(reason.find("budget of " + format_bytes(static_cast<double>(resident_budget_bytes()))), std::string::npos)
        << subject.name() << ": " << reason;
    ++checked;
  }
  EXPECT_GE(checked, 3) << "ucontext and boost_fiber's fixed and pooled stacks";
}

// The sizes the tests run stay within the budget: the limit skips only what cannot fit.
TEST(CoroutinesMemoryLimit, SmallSizesAreNeverSkippedForMemory) {
  for (const testing::Subject& subject : testing::subjects()) {
    const yb::Implementation& implementation = *subject.implementation;
    if (implementation.unavailable == nullptr || !testing::runs(subject, alive_many)) continue;
    for (const Size size : testing::small_sizes(alive_many)) {
      const std::string reason = unavailable_reason(implementation, alive_many, size, subject.variant);
      EXPECT_EQ(reason.find(" resident ("), std::string::npos)
          << subject.name() << " " << testing::size_text(alive_many, size) << ": " << reason;
    }
  }
}

}  // namespace
}  // namespace coroutines
