#include "io/workloads.h"

#include <algorithm>
#include <cstring>

namespace io {

int echo_messages_per_connection(int conns) { return std::max(2, 1024 / std::max(1, conns)); }

std::uint64_t message_id(int conn, int message) {
  return static_cast<std::uint64_t>(conn) * 1'000'003u + static_cast<std::uint64_t>(message) * 7u + 1u;
}

unsigned char pattern_byte(int conn) { return static_cast<unsigned char>((conn * 31 + 7) & 0xff); }

std::uint64_t echo_checksum(const EchoShape& shape) {
  std::uint64_t sum = 0;
  for (int c = 0; c < shape.conns; ++c) {
    for (int m = 0; m < shape.messages; ++m) sum += message_id(c, m) + pattern_byte(c);
  }
  return sum;
}

unsigned char ping_byte(std::uint64_t i) { return static_cast<unsigned char>((i * 7 + 1) & 0xff); }

std::uint64_t pipe_checksum(std::uint64_t round_trips) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < round_trips; ++i) sum += ping_byte(i);
  return sum;
}

std::uint64_t file_block_id(std::uint64_t block) { return block * 0x9E3779B97F4A7C15ull + 12345; }
unsigned char file_block_tail(std::uint64_t block) { return static_cast<unsigned char>((block * 13 + 5) & 0xff); }

std::uint64_t file_checksum(std::uint64_t blocks) {
  std::uint64_t sum = 0;
  for (std::uint64_t b = 0; b < blocks; ++b) sum += file_block_id(b) + file_block_tail(b);
  return sum;
}

std::uint64_t block_sum(const unsigned char* block) {
  std::uint64_t id;
  std::memcpy(&id, block, sizeof id);
  return id + block[kBlockSize - 1];
}

}  // namespace io
