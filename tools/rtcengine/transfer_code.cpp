#include "transfer_code.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace rtcengine::cli {
namespace {

constexpr std::string_view kWords[] = {
#include "code_words.inc"
};
constexpr std::uint32_t kWordCount = std::size(kWords);
constexpr std::uint32_t kMaxRoomNumber = 999;
constexpr int kWordsPerCode = 2;

// Uniform in [0, bound): rejection, so no value is likelier than another.
std::uint32_t random_below(std::uint32_t bound) {
  const std::uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
  for (;;) {
    std::uint32_t value = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) {
      throw std::runtime_error("no randomness for a code");
    }
    if (value < limit) return value % bound;
  }
}

// "7-apple-river" (any case): a number of 1 to 3 digits, then words of
// letters. An 80-bit code never matches: its groups have 4 characters.
bool is_word_code(const std::string& code) {
  auto dash = code.find('-');
  if (dash == std::string::npos || dash == 0 || dash > 3) return false;
  for (std::size_t i = 0; i < dash; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(code[i]))) return false;
  }
  std::size_t letters = 0;
  for (std::size_t i = dash + 1; i < code.size(); ++i) {
    if (code[i] == '-') {
      if (letters == 0) return false;
      letters = 0;
    } else if (std::isalpha(static_cast<unsigned char>(code[i]))) {
      ++letters;
    } else {
      return false;
    }
  }
  return letters > 0;
}

std::string lowercase(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The room of an 80-bit code: a hash of it, so the code itself never
// reaches the server (80 bits cannot be searched from the hash).
std::string hashed_room(const std::string& code) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::string salted = "rtcengine-room|" + code;
  EVP_Digest(salted.data(), salted.size(), digest, &length, EVP_sha256(), nullptr);
  std::string room = "code-";
  static const char* hex = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    room.push_back(hex[digest[i] >> 4]);
    room.push_back(hex[digest[i] & 15]);
  }
  return room;
}

}  // namespace

std::string new_transfer_code() {
  static const char* alphabet = "abcdefghijkmnpqrstuvwxyz23456789";  // no 0/o, 1/l
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a code");
  std::string code;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) code.push_back('-');
    code.push_back(alphabet[random[i] % 32]);
  }
  return code;
}

std::string new_word_code() {
  std::string code = std::to_string(1 + random_below(kMaxRoomNumber));
  for (int i = 0; i < kWordsPerCode; ++i) {
    code += "-";
    code += kWords[random_below(kWordCount)];
  }
  return code;
}

void apply_transfer_code(GlobalOptions& options, const std::string& code, bool signal_given) {
  std::string room;
  if (is_word_code(code)) {
    // Short: a hash of it could be searched offline, so the room is only
    // the number, and the words stay between the two engines' key exchange.
    options.secret = lowercase(code);
    room = "code-" + code.substr(0, code.find('-'));
  } else {
    options.secret = code;
    room = hashed_room(code);
  }
  if (!signal_given) {
    options.signal = "local:" + room;
  } else if ((options.signal.rfind("ws://", 0) == 0 || options.signal.rfind("wss://", 0) == 0) &&
             options.signal.find('/', options.signal.find("//") + 2) == std::string::npos) {
    options.signal += "/" + room;  // a server given without a room
  }
}

}  // namespace rtcengine::cli
