// Tokens are stable, keyed and one-way; encrypted values come back with the key
// named in them, across a key rotation; masks keep whole characters.
#include "governance/protect.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::governance {
namespace {

log::Key256 key_of(unsigned char fill) {
  log::Key256 k;
  k.fill(fill);
  return k;
}

std::string token(Tokenizer& t, std::string_view value) {
  std::string out;
  t.tokenize(value, &out);
  return out;
}

TEST(Tokenize, StableKeyedAndNamedAfterTheKey) {
  auto a = Tokenizer::create("k1", key_of(1));
  auto b = Tokenizer::create("k2", key_of(2));
  ASSERT_TRUE(a && b);
  const std::string t = token(**a, "budi@example.com");
  EXPECT_EQ(t, token(**a, "budi@example.com"));
  EXPECT_NE(t, token(**a, "budi@example.co"));
  EXPECT_NE(t.substr(7), token(**b, "budi@example.com").substr(7));
  EXPECT_EQ(t.rfind("tok_k1_", 0), 0u);
  EXPECT_EQ(t.size(), 7u + 22u);  // 128 bits in base64url
  EXPECT_TRUE(is_protected_text(t));
  EXPECT_FALSE(is_protected_text("tok_"));
  EXPECT_FALSE(Tokenizer::create("bad id", key_of(1)));
}

TEST(Tokenize, IsHmacSha256) {
  // The 32-byte key 0x01…: the expected first bytes were computed independently with
  // Python's hmac module (hmac.new(b"\x01" * 32, b"abc", sha256)).
  auto t = Tokenizer::create("k", key_of(1));
  ASSERT_TRUE(t);
  std::string expected_bytes;
  ASSERT_TRUE(decode_base64url(token(**t, "abc").substr(6), &expected_bytes));
  EXPECT_EQ(expected_bytes.size(), 16u);
  const unsigned char want[4] = {0x73, 0x86, 0x06, 0x12};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(static_cast<unsigned char>(expected_bytes[i]), want[i]) << i;
}

TEST(Encrypt, DeterministicAndReversibleAcrossARotation) {
  log::KeyRing ring;
  ASSERT_TRUE(ring.add("k1", std::string(64, '1'), "test").is_ok());
  ASSERT_TRUE(ring.add("k2", std::string(64, '2'), "test").is_ok());
  auto old_key = Tokenizer::create("k1", *ring.find("k1"));
  auto new_key = Tokenizer::create("k2", *ring.find("k2"));
  std::string before, again, after, empty;
  ASSERT_TRUE((*old_key)->encrypt("0812-3456-7890", &before).is_ok());
  ASSERT_TRUE((*old_key)->encrypt("0812-3456-7890", &again).is_ok());
  ASSERT_TRUE((*new_key)->encrypt("0812-3456-7890", &after).is_ok());
  ASSERT_TRUE((*new_key)->encrypt("", &empty).is_ok());
  EXPECT_EQ(before, again);
  EXPECT_NE(before, after);
  EXPECT_EQ(*decrypt_value(before, ring), "0812-3456-7890");  // the old value, after the rotation
  EXPECT_EQ(*decrypt_value(after, ring), "0812-3456-7890");
  EXPECT_EQ(*decrypt_value(empty, ring), "");

  std::string altered = before;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(decrypt_value(altered, ring).status().code(), StatusCode::kCorruption);
  log::KeyRing other;
  ASSERT_TRUE(other.add("k1", std::string(64, '3'), "test").is_ok());
  EXPECT_EQ(decrypt_value(before, other).status().code(),
            StatusCode::kCorruption);  // same id, wrong key
  EXPECT_EQ(decrypt_value("enc_k9_AAAA", ring).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(decrypt_value("tok_k1_abc", ring));
}

TEST(Mask, KeepsTheLastCharactersWhole) {
  std::string out;
  mask_value("4111111111111111", 4, &out);
  EXPECT_EQ(out, "************1111");
  out.clear();
  mask_value("Dewi Sartika", 0, &out);
  EXPECT_EQ(out, "************");
  out.clear();
  mask_value("日本語テキスト", 2, &out);
  EXPECT_EQ(out, "*****スト");
  out.clear();
  mask_value("ab", 4, &out);
  EXPECT_EQ(out, "ab");
}

TEST(Hash, IsSha256Hex) {
  std::string out;
  hash_value("abc", &out);
  EXPECT_EQ(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Base64url, RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\xff\xfe\x00", 3)}) {
    std::string enc, dec;
    append_base64url(reinterpret_cast<const unsigned char*>(s.data()), s.size(), &enc);
    ASSERT_TRUE(decode_base64url(enc, &dec)) << enc;
    EXPECT_EQ(dec, s);
  }
  std::string dec;
  EXPECT_FALSE(decode_base64url("a=b", &dec));
}

}  // namespace
}  // namespace sluice::governance
