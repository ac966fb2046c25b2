// Incremental SHA-256 (OpenSSL), for the digest a transaction carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace rtcengine::detail {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const std::uint8_t* data, std::size_t size);
  // Lower-case hex of the digest; the hasher starts over afterwards.
  std::string finish_hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rtcengine::detail
