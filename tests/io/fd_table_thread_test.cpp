// The load generator's thread for 10,000 connections: its descriptors are its own, the process
// may then hold more than RLIMIT_NOFILE in all, and its copies close when it ends.
#include "io/fd_table_thread.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/kernel_features.h"
#include "io/net.h"

namespace {

// Where unshare is denied (Docker's default seccomp profile, gVisor) there is nothing to test.
class FdTableThread : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string& reason = io::separate_fd_table_unavailable(); !reason.empty()) GTEST_SKIP() << reason;
  }
};

ino_t inode_of(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

TEST_F(FdTableThread, ADescriptorOpenedThereIsNotThisTables) {
  io::FdTableThread thread;
  int fd = -1;
  ino_t there = 0;
  auto open_there = [&] {
    fd = ::eventfd(0, EFD_CLOEXEC);
    there = inode_of(fd);
  };
  thread.run(open_there);
  ASSERT_GE(fd, 0);
  ASSERT_NE(there, 0u);
  EXPECT_NE(inode_of(fd), there) << "fd " << fd << " names the same file in both tables";
  auto close_there = [&] { EXPECT_EQ(::close(fd), 0); };
  thread.run(close_there);
}

TEST_F(FdTableThread, AnExceptionThereIsRethrownHere) {
  io::FdTableThread thread;
  auto fail = [] { throw std::runtime_error("from the thread"); };
  EXPECT_THROW(thread.run(fail), std::runtime_error);
  int runs = 0;
  auto count = [&] { ++runs; };
  thread.run(count);
  EXPECT_EQ(runs, 1) << "the thread keeps working after an exception";
}

// RLIMIT_NOFILE bounds each table: with this table filled up to the limit, the thread still
// opens descriptors in its own.
TEST_F(FdTableThread, EachTableHasTheWholeLimit) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  int highest = 0;
  for (int fd = 0; fd < 4096; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1) highest = fd;
  }
  const rlimit low{static_cast<rlim_t>(highest + 1 + 50), saved.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  {
    io::FdTableThread thread;  // starts with a copy of this table, before it fills up
    std::vector<io::Fd> here, there;
    int failed_with = 0;
    for (int i = 0; i < 5000 && failed_with == 0; ++i) {
      io::Fd fd(::eventfd(0, EFD_CLOEXEC));
      if (fd) {
        here.push_back(std::move(fd));
      } else {
        failed_with = errno;
      }
    }
    EXPECT_EQ(failed_with, EMFILE) << "this table is full after " << here.size();
    auto open_there = [&] {
      for (int i = 0; i < 40; ++i) there.emplace_back(::eventfd(0, EFD_CLOEXEC));
    };
    thread.run(open_there);
    EXPECT_EQ(std::count_if(there.begin(), there.end(), [](const io::Fd& fd) { return bool(fd); }), 40);
    auto close_there = [&] { there.clear(); };
    thread.run(close_there);
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
}

// The thread's table starts as a copy: a pipe's write end closed here stays open there until the
// thread ends, then the reader sees end of file.
TEST_F(FdTableThread, ItsCopiesCloseWhenItEnds) {
  int ends[2];
  ASSERT_EQ(::pipe2(ends, O_CLOEXEC | O_NONBLOCK), 0);
  io::Fd reader(ends[0]);
  auto thread = std::make_unique<io::FdTableThread>();
  ::close(ends[1]);
  char byte = 0;
  EXPECT_EQ(::read(reader.get(), &byte, 1), -1) << "the thread's copy keeps the write end open";
  EXPECT_EQ(errno, EAGAIN);
  thread.reset();
  EXPECT_EQ(::read(reader.get(), &byte, 1), 0) << "end of file once the thread has ended";
}

}  // namespace
