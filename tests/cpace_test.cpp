// CPace over ristretto255: the draft's own test vectors (draft-irtf-cfrg-cpace,
// "Test vector for CPace using group ristretto255 and hash SHA-512"), then
// the properties the signaling relies on.
#include <gtest/gtest.h>

#include "negotiation/cpace.hpp"

using namespace rtcengine::detail::cpace;

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 15]);
  }
  return out;
}

// The draft's inputs.
const std::string kPrs = "Password";
const std::string kCi = unhex("0b415f696e69746961746f720b425f726573706f6e646572");
const std::string kSid = unhex("7e4b4791d6a8ef019b936c79fb7f2c57");
const std::string kYa = unhex("da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08");
const std::string kYb = unhex("d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d");

}  // namespace

TEST(CPace, EncodingsMatchTheDraft) {
  EXPECT_EQ(hex(prepend_len("")), "00");
  EXPECT_EQ(hex(prepend_len("1234")), "0431323334");
  EXPECT_EQ(hex(prepend_len(std::string(127, 'x'))).substr(0, 4), "7f78");
  EXPECT_EQ(hex(prepend_len(std::string(128, 'x'))).substr(0, 6), "800178");
  EXPECT_EQ(hex(ordered_concatenation("ABCD", "BCD")), "6f6342434441424344");
  EXPECT_EQ(hex(ordered_concatenation("BCD", "ABCDE")), "6f634243444142434445");
  // A proper prefix is the smaller; bytes compare unsigned.
  EXPECT_EQ(ordered_concatenation(std::string("\0", 1), std::string("\0\0", 2)),
            std::string("oc\0\0\0", 5));
  EXPECT_EQ(ordered_concatenation("\x01", "\xff"), "oc\xff\x01");
}

TEST(CPace, GeneratorMatchesTheDraft) {
  EXPECT_EQ(hex(generator_string(kPrs, kCi, kSid)),
            "11435061636552697374726574746f3235350850617373776f726464" + std::string(200, '0') +
                "180b415f696e69746961746f720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f"
                "2c57");
  EXPECT_EQ(hex(calculate_generator(kPrs, kCi, kSid)),
            "222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56");
}

TEST(CPace, SharesAndSymmetricIskMatchTheDraft) {
  Party a(kPrs, kCi, kSid, kYa);
  Party b(kPrs, kCi, kSid, kYb);
  EXPECT_EQ(hex(a.share()), "d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157");
  EXPECT_EQ(hex(b.share()), "3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258");
  auto isk_a = a.derive_isk("ADa", b.share(), "ADb");
  auto isk_b = b.derive_isk("ADb", a.share(), "ADa");
  ASSERT_TRUE(isk_a && isk_b);
  const std::string expected =
      "544199d71f62f8d9a1fee55727e24fe4a45844593c2b6013c4fa3969d0e5debb2244675c0b43397cbb68d342b01f"
      "c0f98fc961469a25134de9f0f813c1a57476";  // ISK_SY, the parallel (symmetric) setting
  EXPECT_EQ(hex(*isk_a), expected);
  EXPECT_EQ(hex(*isk_b), expected);
}

TEST(CPace, InvalidSharesFromTheDraftAreRefused) {
  Party a(kPrs, kCi, kSid);
  EXPECT_FALSE(a.derive_isk(
      "", unhex("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"), ""));
  EXPECT_FALSE(a.derive_isk("", std::string(32, '\0'), ""));  // the identity
  EXPECT_FALSE(a.derive_isk("", std::string(31, '\x01'), ""));
  EXPECT_FALSE(a.derive_isk("", std::string(32, '\xff'), ""));  // not canonical
  EXPECT_TRUE(is_valid_share(a.share()));
  EXPECT_FALSE(is_valid_share(std::string(32, '\0')));
}

TEST(CPace, RandomPartiesWithTheSameSecretAgree) {
  Party a("7-apple-river", "rtcengine-v2", "");
  Party b("7-apple-river", "rtcengine-v2", "");
  EXPECT_NE(a.share(), b.share());
  auto isk_a = a.derive_isk("seed a", b.share(), "seed b");
  auto isk_b = b.derive_isk("seed b", a.share(), "seed a");
  ASSERT_TRUE(isk_a && isk_b);
  EXPECT_EQ(*isk_a, *isk_b);
  EXPECT_EQ(isk_a->size(), kIskBytes);
}

TEST(CPace, ADifferentSecretGivesADifferentKey) {
  Party a("7-apple-river", "rtcengine-v2", "");
  Party b("7-apple-rover", "rtcengine-v2", "");
  auto isk_a = a.derive_isk("x", b.share(), "y");
  auto isk_b = b.derive_isk("y", a.share(), "x");
  ASSERT_TRUE(isk_a && isk_b);
  EXPECT_NE(*isk_a, *isk_b);
}

TEST(CPace, TamperedShareOrAssociatedDataGivesADifferentKey) {
  Party a("secret", "rtcengine-v2", "");
  Party b("secret", "rtcengine-v2", "");
  Party relay("secret", "rtcengine-v2", "");  // a valid share, but not b's
  auto reference = b.derive_isk("y", a.share(), "x");
  EXPECT_NE(a.derive_isk("x", relay.share(), "y"), reference);
  EXPECT_NE(a.derive_isk("x", b.share(), "y'"), reference);  // the peer's AD changed
  EXPECT_NE(a.derive_isk("x'", b.share(), "y"), reference);  // our AD changed on the way
  EXPECT_EQ(a.derive_isk("x", b.share(), "y"), reference);
}

TEST(CPace, SharesOfOneSecretNeverRepeat) {
  // A share that a function of the secret alone produced would repeat, and
  // could be recomputed from a guess; fresh scalars make each one new.
  Party first("secret", "rtcengine-v2", "");
  Party second("secret", "rtcengine-v2", "");
  EXPECT_NE(first.share(), second.share());
  EXPECT_NE(first.share(), calculate_generator("secret", "rtcengine-v2", ""));
}
