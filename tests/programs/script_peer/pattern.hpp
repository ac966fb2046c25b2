// Deterministic test content, the same bytes as tests/browser/page/pattern.js
// produces: byte p of stream `seed` is byte (p % 4) of a hashed 32-bit word
// p / 4, so any side can generate or check any range without sharing files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace script_peer {

inline std::uint32_t pattern_word(std::uint64_t word_index, std::uint32_t seed) {
  std::uint32_t x =
      static_cast<std::uint32_t>(word_index) * 0x9E3779B1u + seed * 0x85EBCA77u + 0x165667B1u;
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

// Bytes [offset, offset + size) of stream `seed`.
inline std::vector<std::uint8_t> pattern_bytes(std::uint64_t offset, std::size_t size,
                                               std::uint32_t seed) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    std::uint64_t position = offset + i;
    bytes[i] = static_cast<std::uint8_t>(pattern_word(position / 4, seed) >> (8 * (position % 4)));
  }
  return bytes;
}

}  // namespace script_peer
