// Deterministic pseudo-random content for transfer tests, and file helpers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace rtcengine::test {

inline std::vector<std::uint8_t> test_bytes(std::size_t size, unsigned seed = 7) {
  std::vector<std::uint8_t> bytes(size);
  std::mt19937_64 random(seed);
  for (std::size_t i = 0; i < size; i += 8) {
    auto value = random();
    for (std::size_t j = 0; j < 8 && i + j < size; ++j)
      bytes[i + j] = static_cast<std::uint8_t>(value >> (8 * j));
  }
  return bytes;
}

inline void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A pseudo-random file of `size` bytes, written in 4 MiB blocks so large
// files never sit in memory whole.
inline void write_random_file(const std::filesystem::path& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  std::size_t block = 4 << 20;
  for (std::size_t done = 0; done < size; done += block) {
    auto bytes = test_bytes(std::min(block, size - done), static_cast<unsigned>(done / block));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
}

// Byte-for-byte comparison that streams both files.
inline bool same_content(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code error_a, error_b;
  if (std::filesystem::file_size(a, error_a) != std::filesystem::file_size(b, error_b) || error_a ||
      error_b) {
    return false;
  }
  std::ifstream left(a, std::ios::binary), right(b, std::ios::binary);
  std::vector<char> x(1 << 20), y(1 << 20);
  while (left && right) {
    left.read(x.data(), static_cast<std::streamsize>(x.size()));
    right.read(y.data(), static_cast<std::streamsize>(y.size()));
    if (left.gcount() != right.gcount() ||
        !std::equal(x.begin(), x.begin() + left.gcount(), y.begin())) {
      return false;
    }
  }
  return true;
}

}  // namespace rtcengine::test
