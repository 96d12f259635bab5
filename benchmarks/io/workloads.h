// The io family's workloads and their checksums: the one place that says what each operation
// does and what it must return. Every server, pipe echo and file reader is checked against these.
#pragma once

#include <cstdint>
#include <string>

namespace io {

// ---- echo_tcp / echo_unix --------------------------------------------------------------------
//
// C connections each send M messages of S bytes, one at a time (closed loop: the next message
// leaves when the echo of the previous one is back). A message's first 8 bytes are its id, the
// rest a byte pattern of its connection; the checksum sums, over every echoed message, its first
// 8 bytes and its last byte, so a lost, short, mixed-up or misrouted echo changes it.
enum class Transport { tcp, unix_stream };

struct EchoShape {
  int conns = 1;
  int messages = 1;  // per connection per operation
  int size = 64;     // bytes per message, > 8 (the id, then at least one pattern byte)
  std::uint64_t requests() const { return static_cast<std::uint64_t>(conns) * static_cast<std::uint64_t>(messages); }
};

// Messages per connection in one benchmark operation: about 1024 requests per operation in all,
// at least 2 per connection (so an operation is milliseconds long at every connection count).
int echo_messages_per_connection(int conns);

std::uint64_t message_id(int conn, int message);
unsigned char pattern_byte(int conn);
std::uint64_t echo_checksum(const EchoShape& shape);

// ---- pipe_ping_pong ---------------------------------------------------------------------------
// n one-byte round trips over a pair of pipes; byte i is (i * 7 + 1) & 0xff; checksum: their sum.
inline constexpr int kPipeRoundTrips = 1000;
unsigned char ping_byte(std::uint64_t i);
std::uint64_t pipe_checksum(std::uint64_t round_trips);

// ---- file_read --------------------------------------------------------------------------------
// Every 4 KiB block of a generated file read once, in order or in a fixed random permutation.
// Block b starts with the 8-byte value file_block_id(b) and ends with the byte file_block_tail(b);
// the checksum sums both over every block.
inline constexpr std::size_t kBlockSize = 4096;
std::uint64_t file_block_id(std::uint64_t block);
unsigned char file_block_tail(std::uint64_t block);
std::uint64_t file_checksum(std::uint64_t blocks);
// A block's contribution to the checksum, from its bytes.
std::uint64_t block_sum(const unsigned char* block);

}  // namespace io
