// pipe_ping_pong and file_read implementations return their checksums and leave nothing behind.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "census.h"
#include "io/kernel_features.h"
#include "io/pipe_file.h"
#include "io/workloads.h"

namespace {

using namespace std::chrono_literals;
using io::testing::Census;

class PipeOf : public ::testing::TestWithParam<io::PipeEcho> {};

TEST_P(PipeOf, ChecksumAndNoLeaks) {
  if (GetParam() == io::PipeEcho::io_uring && !io::io_uring_unavailable().empty()) {
    GTEST_SKIP() << io::io_uring_unavailable();
  }
  const Census before;
  for (const std::uint64_t n : {1u, 2u, 300u}) {
    io::PipePingPong pipes(GetParam(), 5000ms);
    EXPECT_EQ(pipes.run(n), io::pipe_checksum(n)) << pipes.error();
    yb::LatencyHistogram latency;
    EXPECT_EQ(pipes.run(n, &latency), io::pipe_checksum(n)) << pipes.error();
    EXPECT_EQ(latency.count(), n) << "one latency per round trip";
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors";
}

INSTANTIATE_TEST_SUITE_P(Io, PipeOf,
                         ::testing::Values(io::PipeEcho::blocking, io::PipeEcho::epoll, io::PipeEcho::io_uring),
                         [](const auto& info) {
                           return std::string(io::kPipeEchoNames[static_cast<int>(info.param)]);
                         });

struct FileCase {
  io::FileReader reader;
  int width;
};

class FileOf : public ::testing::TestWithParam<FileCase> {};

TEST_P(FileOf, ChecksumInBothOrdersAndNoLeaks) {
  if (GetParam().reader == io::FileReader::io_uring && !io::io_uring_unavailable().empty()) {
    GTEST_SKIP() << io::io_uring_unavailable();
  }
  const Census before;
  {
    const io::TestFile file(1u << 20);
    EXPECT_EQ(file.blocks(), 256u);
    for (const bool random : {false, true}) {
      io::FileRead read(file, GetParam().reader, GetParam().width, random, 5000ms);
      EXPECT_EQ(read.run(), io::file_checksum(file.blocks())) << read.error();
      EXPECT_EQ(read.run(), io::file_checksum(file.blocks())) << read.error();
    }
  }
  const Census after = io::testing::settled(before);
  EXPECT_EQ(after.threads, before.threads) << "threads";
  EXPECT_EQ(after.fds, before.fds) << "file descriptors (the file included)";
}

INSTANTIATE_TEST_SUITE_P(Io, FileOf,
                         ::testing::Values(FileCase{io::FileReader::pread, 1}, FileCase{io::FileReader::io_uring, 1},
                                           FileCase{io::FileReader::io_uring, 32},
                                           FileCase{io::FileReader::io_uring, 300},
                                           FileCase{io::FileReader::thread_pool, 4}),
                         [](const auto& info) {
                           return std::string(io::kFileReaderNames[static_cast<int>(info.param.reader)]) + "_" +
                                  std::to_string(info.param.width);
                         });

TEST(FileRead, TheFileStartsInThePageCache) {
  const io::TestFile file(1u << 20);
  EXPECT_GT(file.cached_fraction(), 0.9);
}

TEST(FileRead, NoRoomIsAReasonNamingTheShortfall) {
  constexpr std::uint64_t MiB = 1u << 20;
  EXPECT_EQ(io::TestFile::room_shortfall(256 * MiB, "/tmp", 1024 * MiB, 1024 * MiB), "");
  const std::string disk = io::TestFile::room_shortfall(256 * MiB, "/tmp", 100 * MiB, 1024 * MiB);
  EXPECT_NE(disk.find("free in /tmp"), std::string::npos) << disk;
  EXPECT_NE(disk.find("100 MiB"), std::string::npos) << disk;
  const std::string memory = io::TestFile::room_shortfall(256 * MiB, "/tmp", 1024 * MiB, 300 * MiB);
  EXPECT_NE(memory.find("MemAvailable"), std::string::npos) << memory;
  EXPECT_NE(memory.find("300 MiB"), std::string::npos) << memory;
  // This machine's own figures: a file larger than any disk never fits.
  EXPECT_NE(io::TestFile::room_shortfall(std::uint64_t{1} << 62), "");
}

TEST(FileRead, TheFileIsGoneFromItsDirectory) {
  const Census before;
  { const io::TestFile file(64u << 10); }
  EXPECT_EQ(Census().fds, before.fds);
}

}  // namespace
