// file_read: every 4 KiB block of a generated file read once per operation, in order
// (order:seq) or in a fixed random permutation (order:random), from a warm page cache:
//   pread        one thread, one pread per block
//   io_uring     one thread, `qd` reads in flight (qd:1 = submit one, wait one; qd:32)
//   thread_pool  `threads` threads doing blocking pread, blocks handed out by an atomic counter
// See pipe_file.h.
#include <fcntl.h>
#include <liburing.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>

#include "io/io_support.h"
#include "io/kernel_features.h"
#include "io/pipe_file.h"
#include "io/workloads.h"
#include "measure.h"
#include "registry.h"
#include "system_memory.h"

namespace io {

constexpr std::uint64_t kFailed = ~std::uint64_t{0};

namespace {

constexpr std::uint64_t kMiB = 1u << 20;
// Room left beside the file: on disk for everyone else's files, in memory so that the rest of
// the process (and the machine) does not push the file's pages out of the cache while it is read.
constexpr std::uint64_t kDiskHeadroom = 64 * kMiB;
constexpr std::uint64_t kMemoryHeadroom = 256 * kMiB;

std::string in_mib(std::uint64_t bytes) { return std::to_string(bytes / kMiB) + " MiB"; }

}  // namespace

std::string TestFile::directory() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

std::string TestFile::room_shortfall(std::uint64_t bytes, const std::string& directory, std::uint64_t free_bytes,
                                     std::uint64_t available_memory) {
  if (free_bytes < bytes + kDiskHeadroom) {
    return "a " + in_mib(bytes) + " file needs " + in_mib(bytes + kDiskHeadroom) + " free in " + directory +
           ", it has " + in_mib(free_bytes);
  }
  if (available_memory < bytes + kMemoryHeadroom) {
    return "a " + in_mib(bytes) +
           " file kept in the page cache needs MemAvailable >= " + in_mib(bytes + kMemoryHeadroom) + ", it is " +
           in_mib(available_memory);
  }
  return "";
}

std::string TestFile::room_shortfall(std::uint64_t bytes) {
  const std::string folder = directory();
  struct statvfs disk {};
  if (::statvfs(folder.c_str(), &disk) != 0) return errno_text(("statvfs " + folder).c_str());
  const std::optional<std::int64_t> memory = yb::system_memory::meminfo_bytes("MemAvailable");
  if (!memory) return "MemAvailable not found in /proc/meminfo";
  return room_shortfall(bytes, folder, static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize,
                        static_cast<std::uint64_t>(*memory));
}

double TestFile::cached_fraction() const {
  const auto length = static_cast<std::size_t>(blocks_ * kBlockSize);
  if (length == 0) return -1;
  void* view = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd_.get(), 0);
  if (view == MAP_FAILED) return -1;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((length + page - 1) / page);
  double fraction = -1;
  if (::mincore(view, length, resident.data()) == 0) {
    const auto cached = std::count_if(resident.begin(), resident.end(), [](unsigned char bits) { return bits & 1; });
    fraction = static_cast<double>(cached) / static_cast<double>(resident.size());
  }
  ::munmap(view, length);
  return fraction;
}

TestFile::TestFile(std::uint64_t bytes) : blocks_(bytes / kBlockSize) {
  std::string path = directory() + "/yb-io-file_read-XXXXXX";
  fd_ = Fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd_) throw std::runtime_error(errno_text(("mkostemp " + path).c_str()));
  ::unlink(path.c_str());  // gone from the directory now; the space goes with the descriptor
  constexpr std::uint64_t kChunkBlocks = 256;
  std::vector<unsigned char> chunk(kChunkBlocks * kBlockSize);
  for (std::uint64_t first = 0; first < blocks_; first += kChunkBlocks) {
    const std::uint64_t count = std::min(kChunkBlocks, blocks_ - first);
    for (std::uint64_t i = 0; i < count; ++i) {
      unsigned char* block = chunk.data() + i * kBlockSize;
      std::memset(block, static_cast<int>((first + i) & 0xff), kBlockSize);
      const std::uint64_t id = file_block_id(first + i);
      std::memcpy(block, &id, sizeof id);
      block[kBlockSize - 1] = file_block_tail(first + i);
    }
    const auto length = static_cast<std::size_t>(count * kBlockSize);
    if (::pwrite(fd_.get(), chunk.data(), length, static_cast<off_t>(first * kBlockSize)) !=
        static_cast<ssize_t>(length)) {
      throw std::runtime_error(errno_text("writing the file_read file"));
    }
  }
  // Warm the page cache: every block read once.
  for (std::uint64_t first = 0; first < blocks_; first += kChunkBlocks) {
    const std::uint64_t count = std::min(kChunkBlocks, blocks_ - first);
    [[maybe_unused]] const auto read = ::pread(fd_.get(), chunk.data(), static_cast<std::size_t>(count * kBlockSize),
                                               static_cast<off_t>(first * kBlockSize));
  }
}

struct FileRead::Impl {
  int fd;
  FileReader reader;
  int width;
  std::chrono::milliseconds timeout;
  std::vector<std::uint64_t> order;
  std::vector<unsigned char> buffers;  // width blocks (pread: one)

  // io_uring
  io_uring ring{};
  bool ring_open = false;

  // thread_pool: workers wait for a new generation, take blocks from `next`, add to `sum`.
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake, done;
  std::uint64_t generation = 0;
  int busy = 0;
  bool stopping = false;
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> sum{0};
  std::atomic<bool> failed{false};

  void work(int worker) {
    std::uint64_t seen = 0;
    unsigned char* buffer = buffers.data() + static_cast<std::size_t>(worker) * kBlockSize;
    for (;;) {
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
      }
      std::uint64_t local = 0;
      for (std::uint64_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < order.size();) {
        const std::uint64_t block = order[i];
        if (::pread(fd, buffer, kBlockSize, static_cast<off_t>(block * kBlockSize)) !=
            static_cast<ssize_t>(kBlockSize)) {
          failed = true;
          break;
        }
        local += block_sum(buffer);
      }
      sum.fetch_add(local, std::memory_order_relaxed);
      std::lock_guard lock(mutex);
      if (--busy == 0) done.notify_one();
    }
  }
};

FileRead::FileRead(const TestFile& file, FileReader reader, int width, bool random, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.fd = file.fd();
  impl.reader = reader;
  impl.width = reader == FileReader::pread ? 1 : std::max(1, width);
  impl.timeout = timeout;
  impl.order.resize(file.blocks());
  std::iota(impl.order.begin(), impl.order.end(), std::uint64_t{0});
  if (random) std::shuffle(impl.order.begin(), impl.order.end(), std::mt19937_64(20240611));
  impl.buffers.assign(static_cast<std::size_t>(impl.width) * kBlockSize, 0);
  if (reader == FileReader::io_uring) {
    if (const int failed = io_uring_queue_init(static_cast<unsigned>(impl.width), &impl.ring, 0); failed < 0) {
      throw std::runtime_error(std::string("io_uring_queue_init: ") + std::strerror(-failed));
    }
    impl.ring_open = true;
  }
  if (reader == FileReader::thread_pool) {
    for (int i = 0; i < impl.width; ++i) impl.workers.emplace_back([&impl, i] { impl.work(i); });
  }
}

FileRead::~FileRead() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.mutex);
    impl.stopping = true;
  }
  impl.wake.notify_all();
  for (auto& worker : impl.workers) worker.join();
  if (impl.ring_open) io_uring_queue_exit(&impl.ring);
}

int FileRead::threads() const { return static_cast<int>(impl_->workers.size()); }

std::uint64_t FileRead::run() {
  if (!error_.empty()) return kFailed;
  Impl& impl = *impl_;
  const auto n = impl.order.size();
  std::uint64_t sum = 0;
  if (impl.reader == FileReader::pread) {
    unsigned char* buffer = impl.buffers.data();
    for (const std::uint64_t block : impl.order) {
      if (::pread(impl.fd, buffer, kBlockSize, static_cast<off_t>(block * kBlockSize)) !=
          static_cast<ssize_t>(kBlockSize)) {
        error_ = errno_text("pread");
        return kFailed;
      }
      sum += block_sum(buffer);
    }
    return sum;
  }
  if (impl.reader == FileReader::io_uring) {
    std::size_t issued = 0, completed = 0;
    const auto fill = [&](std::size_t slot) {
      io_uring_sqe* sqe = io_uring_get_sqe(&impl.ring);
      io_uring_prep_read(sqe, impl.fd, impl.buffers.data() + slot * kBlockSize, kBlockSize,
                         impl.order[issued] * kBlockSize);
      io_uring_sqe_set_data64(sqe, slot);
      ++issued;
    };
    for (std::size_t slot = 0; slot < static_cast<std::size_t>(impl.width) && issued < n; ++slot) fill(slot);
    while (completed < n) {
      io_uring_submit(&impl.ring);
      io_uring_cqe* cqe = nullptr;
      __kernel_timespec limit{impl.timeout.count() / 1000, (impl.timeout.count() % 1000) * 1'000'000};
      if (const int waited = io_uring_wait_cqe_timeout(&impl.ring, &cqe, &limit); waited < 0) {
        error_ = waited == -ETIME
                     ? "timeout: no io_uring read completion within " + std::to_string(impl.timeout.count()) + " ms"
                     : std::string("io_uring_wait_cqe_timeout: ") + std::strerror(-waited);
        // Reads still in flight target our buffers: a failed object keeps its ring until destroyed.
        return kFailed;
      }
      unsigned head, seen = 0;
      io_uring_for_each_cqe(&impl.ring, head, cqe) {
        ++seen;
        const auto slot = static_cast<std::size_t>(cqe->user_data);
        if (cqe->res != static_cast<int>(kBlockSize)) {
          error_ = "io_uring read returned " + std::to_string(cqe->res);
          io_uring_cq_advance(&impl.ring, seen);
          return kFailed;
        }
        sum += block_sum(impl.buffers.data() + slot * kBlockSize);
        ++completed;
        if (issued < n) fill(slot);
      }
      io_uring_cq_advance(&impl.ring, seen);
    }
    return sum;
  }
  // thread_pool
  {
    std::lock_guard lock(impl.mutex);
    impl.next = 0;
    impl.sum = 0;
    impl.busy = static_cast<int>(impl.workers.size());
    ++impl.generation;
  }
  impl.wake.notify_all();
  std::unique_lock lock(impl.mutex);
  if (!impl.done.wait_for(lock, impl.timeout, [&] { return impl.busy == 0; })) {
    error_ = "timeout: the pool did not finish within " + std::to_string(impl.timeout.count()) + " ms";
    return kFailed;
  }
  if (impl.failed) {
    error_ = "pread failed in a pool thread";
    return kFailed;
  }
  return impl.sum.load();
}

const yb::Workload<FileReader> file_read{
    "io",
    "file_read",
    "every 4 KiB block of a generated file (size_mib, in $TMPDIR or /tmp) read once per operation, in "
    "order or in a fixed random permutation; page cache warm: the file is read once before "
    "measuring and page_cache_resident (mincore, 0..1) says how much of it was still cached "
    "after the timed loop; skipped when the folder's free space or MemAvailable cannot hold "
    "it; the file is unlinked as soon as it is open; items = blocks; time per operation is the "
    "whole file (too long for per-operation latency samples)",
    "block",
    {{"order", {"seq", "random"}}, {"size_mib", {256}}},
    // The variant, where there is one, is the reader's width: qd:<io_uring queue depth> or
    // threads:<pool threads>.
    [](benchmark::State& state, const yb::Implementation&, const FileReader& kind, const yb::Point& point,
       const yb::Variant& variant) {
      const bool random = point["order"] == "random";
      const int width = variant.params.empty() ? 1 : std::stoi(variant.params.front().second);
      const std::uint64_t bytes = point.number("size_mib") * kMiB;
      if (const std::string shortfall = TestFile::room_shortfall(bytes); !shortfall.empty()) {
        return yb::skip(state, shortfall);
      }
      std::unique_ptr<TestFile> file;
      std::unique_ptr<FileRead> reader;
      try {
        file = std::make_unique<TestFile>(bytes);
        reader = std::make_unique<FileRead>(*file, kind, width, random, operation_timeout());
      } catch (const std::exception& error) {
        state.SkipWithError((std::string("setup failed: ") + error.what()).c_str());
        return;
      }
      const std::uint64_t blocks = file->blocks();
      bool reported = false;
      yb::measure(state, {file_checksum(blocks), static_cast<std::int64_t>(blocks)}, [&] {
        const std::uint64_t sum = reader->run();
        if (!reader->error().empty() && !reported) {
          reported = true;
          state.SkipWithError(reader->error().c_str());
        }
        return sum;
      });
      const int threads = reader->threads();
      const double cached = file->cached_fraction();
      reader.reset();
      file.reset();
      if (state.error_occurred()) return;
      state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(blocks * kBlockSize));
      state.counters["threads"] = threads == 0 ? 1 : threads;
      if (cached >= 0) state.counters["page_cache_resident"] = cached;
    },
    [](const yb::Point& point) { return file_checksum(point.number("size_mib") * kMiB / kBlockSize); }};

namespace {

// The readers, kept together in this file: io_uring is described by its echo server.
YB_REGISTER_IMPLEMENTATION({
    .name = "pread",
    .description = "one thread, one blocking pread per block",
    .functions = {yb::implements(file_read, FileReader::pread)},
});
YB_REGISTER_IMPLEMENTATION({
    .name = "io_uring",
    .functions = {yb::implements(file_read, FileReader::io_uring)},
    .variants = {{{"qd", "1"}}, {{"qd", "32"}}},
    .unavailable = [](const yb::WorkloadBase&, const yb::Point&, const yb::Variant&) { return io_uring_unavailable(); },
});
YB_REGISTER_IMPLEMENTATION({
    .name = "thread_pool",
    .description = "a pool of threads doing blocking pread, blocks from an atomic counter",
    .functions = {yb::implements(file_read, FileReader::thread_pool)},
    .variants = {{{"threads", "4"}}},
});

}  // namespace
}  // namespace io
