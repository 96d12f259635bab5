// pipe_ping_pong and file_read: their implementations as classes the benchmarks and tests share.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "io/net.h"
#include "latency_histogram.h"
#include "registration.h"

namespace io {

// ---- pipe_ping_pong ---------------------------------------------------------------------------
// The benchmark thread writes one byte into one pipe and waits (poll, bounded by the operation
// timeout, then read) for it to come back through the other; the echo side is one thread that
// reads and writes back: blocking read/write, an epoll loop, or io_uring read/write requests.
enum class PipeEcho { blocking, epoll, io_uring };
inline constexpr const char* kPipeEchoNames[] = {"blocking", "epoll", "io_uring"};
// The workload (pipe_ping_pong.cpp); each echo side implements it with its PipeEcho.
extern const yb::Workload<PipeEcho> pipe_ping_pong;

class PipePingPong {
 public:
  PipePingPong(PipeEcho echo, std::chrono::milliseconds timeout);  // throws std::runtime_error
  ~PipePingPong();  // closes the ping pipe's write end: the echo thread sees EOF and ends; joined
  // round_trips one-byte round trips, each one's latency (write to read back) into `latency` when
  // given; the checksum, or ~0 with error() set.
  std::uint64_t run(std::uint64_t round_trips, yb::LatencyHistogram* latency = nullptr);
  const std::string& error() const { return error_; }

 private:
  Fd ping_read_, ping_write_, pong_read_, pong_write_;
  std::chrono::milliseconds timeout_;
  std::thread echo_;
  std::string error_;
};

// ---- file_read --------------------------------------------------------------------------------
// A generated file of `bytes` (a multiple of 4 KiB) in $TMPDIR or /tmp, unlinked as soon as it is
// open (so nothing is left even after a crash) and read once so the page cache is warm.
class TestFile {
 public:
  explicit TestFile(std::uint64_t bytes);  // throws std::runtime_error
  int fd() const { return fd_.get(); }
  std::uint64_t blocks() const { return blocks_; }
  // The share of the file's pages in the page cache now (mincore), 0..1; negative when unknown.
  double cached_fraction() const;

  // Where the file goes: $TMPDIR, or /tmp.
  static std::string directory();
  // Why a file of `bytes` cannot be written to directory() and kept in the page cache here (free
  // space of that folder, MemAvailable), or empty when it can.
  static std::string room_shortfall(std::uint64_t bytes);
  // The same decision from given numbers.
  static std::string room_shortfall(std::uint64_t bytes, const std::string& directory, std::uint64_t free_bytes,
                                    std::uint64_t available_memory);

 private:
  Fd fd_;
  std::uint64_t blocks_;
};

enum class FileReader { pread, io_uring, thread_pool };
inline constexpr const char* kFileReaderNames[] = {"pread", "io_uring", "thread_pool"};
// The workload (file_read.cpp); each reader implements it with its FileReader.
extern const yb::Workload<FileReader> file_read;

// Reads every block of a TestFile once per run(), in order or in a fixed random permutation.
// `width` is io_uring's queue depth or the pool's thread count (ignored by pread).
class FileRead {
 public:
  FileRead(const TestFile& file, FileReader reader, int width, bool random, std::chrono::milliseconds timeout);
  ~FileRead();          // stops and joins the pool
  std::uint64_t run();  // the checksum, or ~0 with error() set
  const std::string& error() const { return error_; }
  int threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace io
