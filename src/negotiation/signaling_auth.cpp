#include "negotiation/signaling_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sstream>

#include "util/untrusted_json.hpp"

namespace rtcengine::detail {
namespace {

constexpr const char* kContext = "rtcengine-auth-v1";

std::string hmac_hex(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::string SignalingAuth::fingerprints_of(const std::string& sdp) {
  std::istringstream lines(sdp);
  std::string line, result;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("a=fingerprint:", 0) == 0) result += line + "\n";
  }
  return result;
}

std::string SignalingAuth::signed_text(const nlohmann::json& message) const {
  std::string type = string_field(message, "type");
  if (type == "role" && message.contains("seed")) {
    return std::string(kContext) + "|role|" + message["seed"].dump();
  }
  if (type == "description" && message.contains("description") &&
      message["description"].is_object()) {
    const auto& description = message["description"];
    std::string kind = string_field(description, "type");
    std::string sdp = description.contains("sdp") && description["sdp"].is_string()
                          ? description["sdp"].get<std::string>()
                          : "";
    return std::string(kContext) + "|description|" + kind + "|" + fingerprints_of(sdp);
  }
  return {};
}

void SignalingAuth::sign(nlohmann::json& message) const {
  if (!enabled()) return;
  auto text = signed_text(message);
  if (!text.empty()) message["auth"] = hmac_hex(secret_, text);
}

bool SignalingAuth::verify(const nlohmann::json& message) const {
  if (!enabled()) return true;
  auto text = signed_text(message);
  if (text.empty() || !message.contains("auth") || !message["auth"].is_string()) return false;
  auto expected = hmac_hex(secret_, text);
  const auto& given = message["auth"].get_ref<const std::string&>();
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace rtcengine::detail
