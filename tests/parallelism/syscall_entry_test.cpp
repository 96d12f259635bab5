// write_all/read_all behave the same whichever way they enter the kernel: the bytes arrive, and
// end-of-file and a closed reader are failures, not hangs or crashes (SIGPIPE is ignored here
// as the benchmark executable does).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <string>

#include "parallelism/workers.h"

namespace parallelism {
namespace {

class SyscallEntryTest : public ::testing::TestWithParam<SyscallEntry> {};

TEST_P(SyscallEntryTest, BytesArriveAndEndOfFileFails) {
  Pipe pipe = make_pipe();
  const std::uint64_t sent = 0x0123'4567'89AB'CDEFu;
  ASSERT_TRUE(write_all(pipe.write.get(), &sent, sizeof(sent), GetParam()));
  std::uint64_t received = 0;
  ASSERT_TRUE(read_all(pipe.read.get(), &received, sizeof(received), GetParam()));
  EXPECT_EQ(received, sent);
  pipe.write.reset();
  EXPECT_FALSE(read_all(pipe.read.get(), &received, sizeof(received), GetParam())) << "end of file";
}

TEST_P(SyscallEntryTest, WritingToAClosedPipeFails) {
  const auto previous = std::signal(SIGPIPE, SIG_IGN);
  Pipe pipe = make_pipe();
  pipe.read.reset();
  const std::uint32_t token = 7;
  EXPECT_FALSE(write_all(pipe.write.get(), &token, sizeof(token), GetParam()));
  std::signal(SIGPIPE, previous);
}

INSTANTIATE_TEST_SUITE_P(ParallelismSyscallEntry, SyscallEntryTest,
                         ::testing::Values(SyscallEntry::libc, SyscallEntry::direct),
                         [](const ::testing::TestParamInfo<SyscallEntry>& info) {
                           return info.param == SyscallEntry::libc ? std::string("libc") : std::string("direct");
                         });

TEST(ParallelismSyscallEntry, ProcessesGoDirectThreadsThroughLibc) {
  EXPECT_EQ(syscall_entry_for(WorkerKind::process), SyscallEntry::direct);
  EXPECT_EQ(syscall_entry_for(WorkerKind::thread), SyscallEntry::libc);
}

}  // namespace
}  // namespace parallelism
