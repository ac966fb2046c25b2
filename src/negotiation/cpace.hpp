// CPace over ristretto255 with SHA-512 (draft-irtf-cfrg-cpace, symmetric
// setting): two parties that share a low-entropy secret agree on a strong
// key, and what they send each other (a random group element each) lets
// nobody test guesses of the secret offline. One run: each side makes a
// Party, sends share() with its associated data AD, and derives the same
// intermediate session key ISK from the peer's share and AD. The exact
// construction is in docs/protocol.md ("Signaling authentication").
// Byte strings are std::string (binary-safe); libsodium does the group.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcengine::detail::cpace {

inline constexpr std::string_view kDsi = "CPaceRistretto255";
inline constexpr std::size_t kElementBytes = 32;  // an encoded ristretto255 element
inline constexpr std::size_t kScalarBytes = 32;
inline constexpr std::size_t kIskBytes = 64;  // SHA-512

// The draft's encodings: LEB128 length then the bytes; lv_cat of several;
// o_cat: "oc" then the lexicographically larger string first.
std::string prepend_len(std::string_view data);
std::string ordered_concatenation(std::string_view a, std::string_view b);
// lv(DSI) || lv(PRS) || lv(zero padding) || lv(CI) || lv(sid); the padding
// fills SHA-512's 128-byte block so the secret ends inside the first one.
std::string generator_string(std::string_view prs, std::string_view ci, std::string_view sid);
// from_hash(SHA-512(generator_string)): the secret's generator, encoded.
std::string calculate_generator(std::string_view prs, std::string_view ci, std::string_view sid);

// One side of one run. Not copyable: the scalar is wiped on destruction.
class Party {
 public:
  // A fresh random scalar y in [1, order); share Y = y * generator.
  Party(std::string_view prs, std::string_view ci, std::string_view sid);
  // A given scalar (32 bytes, little endian): only for the draft's test vectors.
  Party(std::string_view prs, std::string_view ci, std::string_view sid, std::string_view scalar);
  ~Party();
  Party(const Party&) = delete;
  Party& operator=(const Party&) = delete;

  // Y, 32 bytes: what this side sends.
  const std::string& share() const { return share_; }

  // ISK = SHA-512(lv(DSI "_ISK") || lv(sid) || lv(K) ||
  //               o_cat(lv(Y_own) || lv(ad_own), lv(Y_peer) || lv(ad_peer)))
  // with K = y * Y_peer. nullopt when the peer's share is not a valid
  // encoding or K is the identity (the run must abort).
  std::optional<std::string> derive_isk(std::string_view own_ad, std::string_view peer_share,
                                        std::string_view peer_ad) const;

 private:
  void make_share(std::string_view prs, std::string_view ci);
  std::string sid_;
  unsigned char scalar_[kScalarBytes] = {};
  std::string share_;
};

// Whether `element` is the canonical encoding of a ristretto255 element
// other than the identity: what a peer's share must be.
bool is_valid_share(std::string_view element);

}  // namespace rtcengine::detail::cpace
