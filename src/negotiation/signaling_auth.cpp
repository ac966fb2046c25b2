#include "negotiation/signaling_auth.hpp"

#include <sodium.h>

#include <bit>
#include <cstdint>
#include <sstream>

namespace rtcengine::detail {
namespace {

constexpr const char* kShareKey = "pake";
constexpr const char* kMacKey = "auth";
constexpr const char* kMacKeyLabel = "rtcengine-v2|description-key";
constexpr const char* kTagContext = "rtcengine-v2|";
constexpr const char* kConfirmationType = "key-confirmation";

std::string hmac_sha256(const std::string& key, const std::string& text) {
  crypto_auth_hmacsha256_state state;
  std::string digest(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                                text.size());
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(digest.data()));
  sodium_memzero(&state, sizeof state);
  return digest;
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 15]);
  }
  return out;
}

// Lowercase hex of exactly `size` bytes, or nullopt.
std::optional<std::string> from_hex(const nlohmann::json& value, std::size_t size) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() != 2 * size) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = digit(text[i]), low = digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

}  // namespace

SignalingAuth::SignalingAuth(std::string secret) : secret_(std::move(secret)) {}

SignalingAuth::~SignalingAuth() {
  if (key_) sodium_memzero(key_->mac_key.data(), key_->mac_key.size());
}

std::string SignalingAuth::associated_data(const nlohmann::json& role) {
  std::string seed;
  auto found = role.find("seed");
  if (found != role.end() && found->is_number()) {
    auto bits = std::bit_cast<std::uint64_t>(found->get<double>());
    for (int shift = 56; shift >= 0; shift -= 8) seed.push_back(static_cast<char>(bits >> shift));
  }
  std::string extensions;
  if (auto announced = role.find("rtcengine"); announced != role.end()) {
    // nlohmann keeps object keys sorted and writes no spaces.
    extensions = announced->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return cpace::prepend_len(seed) + cpace::prepend_len(extensions);
}

std::string SignalingAuth::fingerprints_of(const std::string& sdp) {
  std::istringstream lines(sdp);
  std::string line, result;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("a=fingerprint:", 0) == 0) result += line + "\n";
  }
  return result;
}

void SignalingAuth::add_share(nlohmann::json& role) {
  if (!enabled()) return;
  own_ = std::make_unique<cpace::Party>(secret_, kChannelIdentifier, "");
  own_ad_ = associated_data(role);
  role[kShareKey] = to_hex(own_->share());
}

bool SignalingAuth::accept_share(const nlohmann::json& role) {
  auto found = role.find(kShareKey);
  if (found == role.end()) return false;
  auto share = from_hex(*found, cpace::kElementBytes);
  if (!share || !cpace::is_valid_share(*share)) return false;
  peer_share_ = std::move(share);
  peer_ad_ = associated_data(role);
  return true;
}

bool SignalingAuth::agree() {
  if (!own_ || !peer_share_) return false;
  auto isk = own_->derive_isk(own_ad_, *peer_share_, peer_ad_);
  if (!isk) return false;
  if (key_ && !key_->confirmed) count_unconfirmed();
  if (key_) sodium_memzero(key_->mac_key.data(), key_->mac_key.size());
  key_ = Key{hmac_sha256(*isk, kMacKeyLabel), own_->share(), *peer_share_};
  sodium_memzero(isk->data(), isk->size());
  return true;
}

std::optional<std::string> SignalingAuth::tag_of(const nlohmann::json& message,
                                                 const std::string& sender_share) const {
  if (!key_) return std::nullopt;
  auto type = message.find("type");
  if (type == message.end() || !type->is_string()) return std::nullopt;
  std::string text = kTagContext + type->get<std::string>() + "|" + to_hex(sender_share);
  if (*type == kConfirmationType) return to_hex(hmac_sha256(key_->mac_key, text));
  auto found = message.find("description");
  if (*type != "description" || found == message.end() || !found->is_object()) return std::nullopt;
  auto kind = found->find("type");
  auto sdp = found->find("sdp");
  text += "|" + (kind != found->end() && kind->is_string() ? kind->get<std::string>() : "") + "|" +
          fingerprints_of(sdp != found->end() && sdp->is_string() ? sdp->get<std::string>()
                                                                  : std::string());
  return to_hex(hmac_sha256(key_->mac_key, text));
}

nlohmann::json SignalingAuth::confirmation() const {
  nlohmann::json message = {{"type", kConfirmationType}};
  if (auto tag = key_ ? tag_of(message, key_->own_share) : std::nullopt) message[kMacKey] = *tag;
  return message;
}

void SignalingAuth::sign(nlohmann::json& message) const {
  if (!key_ || message.value("type", "") != "description") return;
  if (auto tag = tag_of(message, key_->own_share)) message[kMacKey] = *tag;
}

SignalingAuth::Check SignalingAuth::check(const nlohmann::json& message) const {
  if (!key_) return Check::forged;
  auto expected = tag_of(message, key_->peer_share);
  auto given = message.find(kMacKey);
  if (!expected || given == message.end() || !given->is_string()) return Check::forged;
  const auto& text = given->get_ref<const std::string&>();
  bool equal = text.size() == expected->size() &&
               sodium_memcmp(text.data(), expected->data(), expected->size()) == 0;
  return equal ? Check::authentic : Check::forged;
}

void SignalingAuth::record(Check check) {
  if (!key_) return;
  if (check == Check::authentic) {
    key_->confirmed = true;
  } else if (!key_->confirmed) {
    count_unconfirmed();
  }
}

void SignalingAuth::count_unconfirmed() {
  if (key_->counted) return;
  key_->counted = true;
  ++unconfirmed_keys_;
}

}  // namespace rtcengine::detail
