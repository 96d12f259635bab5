// The one registration shape (harness/registration.h): names from parameter axes and variants,
// the unavailable hook as a skip, and the workloads an implementation does not implement.
#include "registration.h"

#include <benchmark/benchmark.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "measure.h"

namespace {

using Function = std::uint64_t (*)(std::uint64_t);

// A toy family: "square" at n:2 and n:3 (checksum n*n), "cube" at one point.
const yb::Workload<Function> square{"toy",
                                    "square",
                                    "n * n",
                                    "square",
                                    {{"n", {2, 3}}},
                                    [](benchmark::State& state, const yb::Implementation&, const Function& run,
                                       const yb::Point& point, const yb::Variant&) {
                                      const std::uint64_t n = point.number("n");
                                      yb::measure(state, {n * n, 1}, [run, n] { return run(n); });
                                    },
                                    [](const yb::Point& point) { return point.number("n") * point.number("n"); }};
// Variants go first in cube's names, as parallelism's worker:<kind> does.
const yb::Workload<Function> cube{
    "toy",
    "cube",
    "n * n * n",
    "cube",
    yb::Params{{"n", {2}}, {"mode", {"a"}}} + yb::Params{{"n", {2}}, {"mode", {"b"}}}.full_profile_only(),
    [](benchmark::State& state, const yb::Implementation&, const Function& run, const yb::Point& point,
       const yb::Variant&) {
      const std::uint64_t n = point.number("n");
      yb::measure(state, {n * n * n, 1}, [run, n] { return run(n); });
    },
    nullptr,
    0};

std::uint64_t multiply(std::uint64_t n) { return n * n; }
std::uint64_t multiply3(std::uint64_t n) { return n * n * n; }

YB_REGISTER_IMPLEMENTATION({
    .name = "plain",
    .description = "multiplies",
    .functions = {yb::implements(square, multiply), yb::implements(cube, multiply3)},
});

YB_REGISTER_IMPLEMENTATION({
    .name = "picky",
    .description = "squares only, in two variants, and not at n:3",
    .functions = {yb::implements(square, multiply)},
    .variants = {{{"place", "near"}}, {{"place", "far"}}},
    .variant_applies = [](const yb::WorkloadBase&, const yb::Variant& variant) { return variant.index == 0; },
    .unavailable = [](const yb::WorkloadBase&, const yb::Point& point, const yb::Variant&) -> std::string {
      return point["n"] == "3" ? "n=3 does not fit here" : "";
    },
});

std::vector<std::string> names_of(const yb::Implementation& implementation) {
  std::vector<std::string> names;
  for (const auto& [name, body] : yb::benchmarks_of(implementation)) names.push_back(name.str());
  return names;
}

TEST(Registration, ParamsAreTheProductOfTheirAxesFirstOutermost) {
  const yb::Params params{{"n", {1, 2}}, {"pages", {"cold", "warm"}}};
  std::vector<std::string> names;
  for (const yb::Point& point : params.points()) {
    names.push_back(yb::BenchmarkName{"f", "w", "i", point.params}.str());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"f/w/i/n:1/pages:cold", "f/w/i/n:1/pages:warm", "f/w/i/n:2/pages:cold",
                                             "f/w/i/n:2/pages:warm"}));
  EXPECT_EQ(yb::Params().points().size(), 1u);
  EXPECT_EQ((params + yb::Params{{"n", {9}}}.with({"load", "open"})).points().back().params,
            (std::vector<yb::Param>{{"n", "9"}, {"load", "open"}}));
}

TEST(Registration, NamesComeFromParamsAndVariants) {
  const auto* plain = yb::find_implementation("toy", "plain");
  const auto* picky = yb::find_implementation("toy", "picky");
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(picky, nullptr);
  EXPECT_EQ(names_of(*plain), (std::vector<std::string>{"toy/square/plain/n:2", "toy/square/plain/n:3",
                                                        "toy/cube/plain/n:2/mode:a", "toy/cube/plain/n:2/mode:b"}));
  // Only the variant that applies; variant parameters follow the point's unless placed first.
  EXPECT_EQ(names_of(*picky),
            (std::vector<std::string>{"toy/square/picky/n:2/place:near", "toy/square/picky/n:3/place:near"}));
  EXPECT_EQ(cube.benchmark_name("x", cube.params().points()[0], {1, {{"worker", "thread"}}}),
            "toy/cube/x/worker:thread/n:2/mode:a");
}

TEST(Registration, FunctionsAndChecksumsAreFoundByWorkload) {
  const auto* picky = yb::find_implementation("toy", "picky");
  ASSERT_NE(picky, nullptr);
  ASSERT_NE(picky->function(square), nullptr);
  EXPECT_EQ(picky->function(cube), nullptr);
  EXPECT_EQ((*picky->function(square))(3), square.checksum(square.params().points()[1]));
}

TEST(Registration, EachWorkloadNamesItsItem) {
  EXPECT_EQ(square.item(), "square");
  EXPECT_EQ(cube.item(), "cube");
  const auto toy = yb::workloads("toy");
  ASSERT_EQ(toy.size(), 2u);
  EXPECT_EQ(toy[0]->item(), "square");
}

TEST(Registration, WorkloadsNotImplementedAreListed) {
  const auto missing = yb::not_implemented();
  EXPECT_NE(std::find(missing.begin(), missing.end(), "toy/cube/picky"), missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), "toy/cube/plain"), missing.end());
  EXPECT_EQ(std::find(missing.begin(), missing.end(), "toy/square/picky"), missing.end());
}

TEST(Registration, FullProfileOnlyPointsAreNamedForTheRunner) {
  EXPECT_FALSE(cube.params().points()[0].full_profile_only);
  EXPECT_TRUE(cube.params().points()[1].full_profile_only);
  EXPECT_TRUE((cube.params() + yb::Params{{"n", {3}}}).points()[1].full_profile_only);
  EXPECT_FALSE((cube.params() + yb::Params{{"n", {3}}}).points()[2].full_profile_only);
  // Only implementations of cube have the point; every variant of it is named.
  EXPECT_EQ(yb::full_profile_only(), (std::vector<std::string>{"toy/cube/plain/n:2/mode:b"}));
}

class CapturingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    this->runs.insert(this->runs.end(), runs.begin(), runs.end());
  }
  std::vector<Run> runs;
};

TEST(Registration, UnavailableIsASkipWithTheReasonAndOthersRun) {
  const auto* picky = yb::find_implementation("toy", "picky");
  ASSERT_NE(picky, nullptr);
  for (auto& [name, body] : yb::benchmarks_of(*picky)) {
    benchmark::RegisterBenchmark(("registration_test/" + name.str()).c_str(), body)->Iterations(2);
  }
  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^registration_test/");
  ASSERT_EQ(reporter.runs.size(), 2u);
  for (const auto& run : reporter.runs) {
    if (run.run_name.str().find("n:3") != std::string::npos) {
      EXPECT_TRUE(run.error_occurred);
      EXPECT_EQ(run.error_message, std::string(yb::kSkippedPrefix) + "n=3 does not fit here");
    } else {
      EXPECT_FALSE(run.error_occurred) << run.error_message;
    }
  }
}

}  // namespace
