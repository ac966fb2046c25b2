#include "negotiation/cpace.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace rtcengine::detail::cpace {
namespace {

constexpr std::size_t kHashBlockBytes = 128;  // SHA-512's input block, H.s_in_bytes

void require_sodium() {
  // sodium_init() is thread-safe and idempotent: 0 first, 1 afterwards.
  static const int status = sodium_init();
  if (status < 0) throw std::runtime_error("libsodium could not be initialised");
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string sha512(std::string_view data) {
  std::string digest(crypto_hash_sha512_BYTES, '\0');
  crypto_hash_sha512(reinterpret_cast<unsigned char*>(digest.data()), bytes(data), data.size());
  return digest;
}

}  // namespace

std::string prepend_len(std::string_view data) {
  std::string out;
  std::size_t length = data.size();
  do {  // unsigned LEB128: 7 bits a byte, low first, high bit = more follow
    unsigned char byte = length & 0x7f;
    length >>= 7;
    if (length != 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (length != 0);
  out.append(data);
  return out;
}

std::string ordered_concatenation(std::string_view a, std::string_view b) {
  // std::string_view compares bytes as unsigned char, and a proper prefix
  // is smaller: the draft's lexiographically_larger.
  bool a_larger = a.compare(b) > 0;
  std::string out = "oc";
  out.append(a_larger ? a : b);
  out.append(a_larger ? b : a);
  return out;
}

std::string generator_string(std::string_view prs, std::string_view ci, std::string_view sid) {
  std::size_t used = 1 + prepend_len(prs).size() + prepend_len(kDsi).size();
  std::size_t padding = used < kHashBlockBytes ? kHashBlockBytes - used : 0;
  return prepend_len(kDsi) + prepend_len(prs) + prepend_len(std::string(padding, '\0')) +
         prepend_len(ci) + prepend_len(sid);
}

std::string calculate_generator(std::string_view prs, std::string_view ci, std::string_view sid) {
  require_sodium();
  auto hash = sha512(generator_string(prs, ci, sid));
  std::string generator(kElementBytes, '\0');
  crypto_core_ristretto255_from_hash(reinterpret_cast<unsigned char*>(generator.data()),
                                     bytes(hash));
  sodium_memzero(hash.data(), hash.size());
  return generator;
}

bool is_valid_share(std::string_view element) {
  require_sodium();
  return element.size() == kElementBytes &&
         crypto_core_ristretto255_is_valid_point(bytes(element)) &&
         !sodium_is_zero(bytes(element), kElementBytes);  // zeros: the identity's encoding
}

Party::Party(std::string_view prs, std::string_view ci, std::string_view sid) : sid_(sid) {
  require_sodium();
  crypto_core_ristretto255_scalar_random(scalar_);  // uniform in [1, order)
  make_share(prs, ci);
}

Party::Party(std::string_view prs, std::string_view ci, std::string_view sid,
             std::string_view scalar)
    : sid_(sid) {
  require_sodium();
  if (scalar.size() != kScalarBytes) throw std::invalid_argument("a CPace scalar has 32 bytes");
  std::memcpy(scalar_, scalar.data(), kScalarBytes);
  make_share(prs, ci);
}

Party::~Party() { sodium_memzero(scalar_, sizeof scalar_); }

void Party::make_share(std::string_view prs, std::string_view ci) {
  auto generator = calculate_generator(prs, ci, sid_);
  share_.assign(kElementBytes, '\0');
  if (crypto_scalarmult_ristretto255(reinterpret_cast<unsigned char*>(share_.data()), scalar_,
                                     bytes(generator)) != 0) {
    throw std::runtime_error("CPace: the share is the identity (a zero scalar)");
  }
}

std::optional<std::string> Party::derive_isk(std::string_view own_ad, std::string_view peer_share,
                                             std::string_view peer_ad) const {
  if (!is_valid_share(peer_share)) return std::nullopt;
  std::string secret_point(kElementBytes, '\0');
  // Decodes the peer's share and fails (-1) when the product is the identity.
  if (crypto_scalarmult_ristretto255(reinterpret_cast<unsigned char*>(secret_point.data()), scalar_,
                                     bytes(peer_share)) != 0) {
    return std::nullopt;
  }
  std::string input = prepend_len(std::string(kDsi) + "_ISK") + prepend_len(sid_) +
                      prepend_len(secret_point) +
                      ordered_concatenation(prepend_len(share_) + prepend_len(own_ad),
                                            prepend_len(peer_share) + prepend_len(peer_ad));
  auto isk = sha512(input);
  sodium_memzero(secret_point.data(), secret_point.size());
  sodium_memzero(input.data(), input.size());
  return isk;
}

}  // namespace rtcengine::detail::cpace
