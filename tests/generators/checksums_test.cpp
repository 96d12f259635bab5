// Every generators implementation computes every workload's checksum at small sizes, and the
// references themselves agree with independent arithmetic.
#include <gtest/gtest.h>

#include <unistd.h>

#include <ostream>
#include <set>
#include <string>

#include "generators/workloads.h"
#include "registration.h"

namespace yb {
// Names parameterised tests and failure messages by the implementation, not its bytes.
void PrintTo(const Implementation* implementation, std::ostream* out) { *out << implementation->name; }
}  // namespace yb

namespace {

std::vector<const yb::Implementation*> implementations() { return yb::implementations("generators"); }

TEST(GeneratorsReference, ChecksumsAgreeWithIndependentArithmetic) {
  EXPECT_EQ(generators::sum_plus_one_checksum(0), 0u);
  EXPECT_EQ(generators::sum_plus_one_checksum(4), 1u + 2 + 3 + 4);
  EXPECT_EQ(generators::sum_plus_one_checksum(2'000'000), 2'000'001'000'000u);
  EXPECT_EQ(generators::fibonacci_take_checksum(10), 0u + 1 + 1 + 2 + 3 + 5 + 8 + 13 + 21 + 34);
  EXPECT_EQ(generators::pipeline_first_checksum(2000), 1003u * 1003u);
  EXPECT_EQ(generators::pipeline_first_checksum(1000), 0u) << "no match below x = 1003";
  EXPECT_EQ(generators::parse_price("7,2024-01-02,customer0001,12345"), 12345u);
}

TEST(GeneratorsReference, CsvFileIsDeterministicAndRemoved) {
  std::string path;
  std::uint64_t first_total = 0;
  {
    const generators::CsvFile file(100);
    path = file.path();
    first_total = file.price_total();
    EXPECT_GT(first_total, 100u * 100);
  }
  EXPECT_EQ(::access(path.c_str(), F_OK), -1) << path << " must be removed";
  const generators::CsvFile again(100);
  EXPECT_EQ(again.price_total(), first_total);
}

TEST(GeneratorsImplementations, AllSixAreRegisteredOnce) {
  std::set<std::string> names;
  for (const auto* implementation : implementations()) names.insert(implementation->name);
  EXPECT_EQ(names.size(), implementations().size());
  for (const char* expected :
       {"eager_vector", "coroutine_generator", "iterator", "ranges_view", "callback", "fiber_generator"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
}

TEST(GeneratorsImplementations, EveryOneImplementsEveryWorkload) {
  for (const auto* implementation : implementations()) {
    for (const yb::WorkloadBase* workload : yb::workloads("generators")) {
      EXPECT_TRUE(implementation->implements(*workload)) << implementation->name << " " << workload->name();
    }
  }
}

class EveryImplementation : public ::testing::TestWithParam<const yb::Implementation*> {};

// Every workload the implementation implements, at small sizes; a workload it does not implement
// is listed by `yieldbench list` as not implemented.
TEST_P(EveryImplementation, MatchesTheReferenceChecksums) {
  const yb::Implementation& implementation = *GetParam();
  for (const auto* workload : {&generators::sum_plus_one, &generators::fibonacci_take, &generators::pipeline_first}) {
    const auto* run = implementation.function(*workload);
    if (run == nullptr) continue;
    for (const std::uint64_t n : {0u, 1u, 2u, 10u, 1'000u, 5'000u}) {
      const yb::Point point{{{"n", std::to_string(n)}}};
      EXPECT_EQ((*run)(n), workload->checksum(point)) << workload->name() << " n=" << n;
    }
  }
  if (const auto* run = implementation.function(generators::csv_prices)) {
    for (const std::uint64_t rows : {0u, 1u, 500u}) {
      const generators::CsvFile file(rows);
      EXPECT_EQ((*run)(file.path()), file.price_total()) << "csv_prices rows=" << rows;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Generators, EveryImplementation, ::testing::ValuesIn(implementations()),
                         [](const auto& info) { return info.param->name; });

}  // namespace
