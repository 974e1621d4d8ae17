#include "log/record_batch.h"

#include <gtest/gtest.h>

#include <cstring>

#include "log/crc32c.h"

#include <string>
#include <vector>

namespace sluice::log {
namespace {

std::vector<Record> sample_records(std::vector<std::string>& values) {
  values.clear();
  for (int i = 0; i < 50; ++i) values.push_back("{\"n\":" + std::to_string(i) + ",\"text\":\"" + std::string(i, 'a') + "\"}");
  std::vector<Record> records;
  for (size_t i = 0; i < values.size(); ++i) {
    records.push_back({1'700'000'000'000'000 + static_cast<int64_t>(i) * 1000 - (i == 3 ? 5'000'000 : 0),
                       i % 2 ? "key" : "", values[i]});
  }
  return records;
}

KeyRing test_keys() {
  KeyRing keys;
  EXPECT_TRUE(keys.load_text_list("k1:" + std::string(64, 'a') + ",k2:" + std::string(64, 'b'), "test").is_ok());
  return keys;
}

void expect_round_trip(const BatchEncoding& encoding, const KeyRing* keys) {
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(42, records, encoding, &bytes).is_ok());
  BatchHeader h;
  ASSERT_TRUE(parse_batch(bytes, &h).is_ok());
  EXPECT_EQ(h.total_bytes(), bytes.size());
  EXPECT_EQ(h.base_offset, 42);
  EXPECT_EQ(h.record_count, records.size());
  EXPECT_EQ(h.first_timestamp_us, records[0].timestamp_us);
  EXPECT_EQ(h.max_timestamp_us, records.back().timestamp_us);
  EXPECT_EQ(h.codec, encoding.codec);
  EXPECT_EQ(h.encrypted, encoding.key != nullptr);
  std::string storage;
  std::vector<ReadRecord> out;
  ASSERT_TRUE(decode_records(bytes, h, keys, &storage, &out).is_ok());
  ASSERT_EQ(out.size(), records.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].offset, 42 + static_cast<int64_t>(i));
    EXPECT_EQ(out[i].timestamp_us, records[i].timestamp_us);
    EXPECT_EQ(out[i].key, records[i].key);
    EXPECT_EQ(out[i].value, records[i].value);
  }
}

TEST(RecordBatch, RoundTripsWithEveryCodec) {
  for (Codec codec : {Codec::kNone, Codec::kZstd, Codec::kLz4}) {
    SCOPED_TRACE(codec_name(codec));
    expect_round_trip(BatchEncoding{codec, nullptr, ""}, nullptr);
  }
}

TEST(RecordBatch, RoundTripsEncryptedAndCompressed) {
  KeyRing keys = test_keys();
  expect_round_trip(BatchEncoding{Codec::kZstd, keys.find("k1"), "k1"}, &keys);
  expect_round_trip(BatchEncoding{Codec::kNone, keys.find("k2"), "k2"}, &keys);
}

TEST(RecordBatch, CompressionShrinksRepetitiveRecords) {
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string plain, zstd;
  ASSERT_TRUE(encode_batch(0, records, {Codec::kNone, nullptr, ""}, &plain).is_ok());
  ASSERT_TRUE(encode_batch(0, records, {Codec::kZstd, nullptr, ""}, &zstd).is_ok());
  EXPECT_LT(zstd.size() * 2, plain.size());
}

TEST(RecordBatch, EncryptedPayloadHidesTheValues) {
  KeyRing keys = test_keys();
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(0, records, {Codec::kNone, keys.find("k1"), "k1"}, &bytes).is_ok());
  EXPECT_EQ(bytes.find("\"text\""), std::string::npos);
}

TEST(RecordBatch, WrongKeyIsAnErrorNeverGarbage) {
  KeyRing writer = test_keys();
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(7, records, {Codec::kNone, writer.find("k1"), "k1"}, &bytes).is_ok());
  BatchHeader h;
  ASSERT_TRUE(parse_batch(bytes, &h).is_ok());
  std::string storage;
  std::vector<ReadRecord> out;

  KeyRing wrong;
  ASSERT_TRUE(wrong.load_text_list("k1:" + std::string(64, 'c'), "test").is_ok());
  Status s = decode_records(bytes, h, &wrong, &storage, &out);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("wrong key"), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());

  KeyRing none;
  s = decode_records(bytes, h, &none, &storage, &out);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("\"k1\""), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());
}

TEST(RecordBatch, TamperedHeaderDoesNotAuthenticateEvenWithAFixedCrc) {
  KeyRing keys = test_keys();
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(7, records, {Codec::kNone, keys.find("k1"), "k1"}, &bytes).is_ok());
  bytes[12] = 9;  // base offset 7 → 9, then make the CRC match again
  const uint32_t crc = crc32c(bytes.data() + 12, bytes.size() - 12);
  std::memcpy(bytes.data() + 8, &crc, 4);
  BatchHeader h;
  ASSERT_TRUE(parse_batch(bytes, &h).is_ok());
  std::string storage;
  std::vector<ReadRecord> out;
  EXPECT_EQ(decode_records(bytes, h, &keys, &storage, &out).code(), StatusCode::kCorruption);
}

TEST(RecordBatch, EveryFlippedByteIsCaught) {
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(0, records, {Codec::kNone, nullptr, ""}, &bytes).is_ok());
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string damaged = bytes;
    damaged[i] ^= 0x5A;
    BatchHeader h;
    EXPECT_FALSE(parse_batch(damaged, &h).is_ok()) << "byte " << i;
  }
}

TEST(RecordBatch, ACutBatchIsReportedAsCutShort) {
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(0, records, {Codec::kNone, nullptr, ""}, &bytes).is_ok());
  BatchHeader h;
  EXPECT_EQ(parse_batch(std::string_view(bytes).substr(0, 20), &h).code(), StatusCode::kNotFound);
  EXPECT_EQ(parse_batch(std::string_view(bytes).substr(0, bytes.size() - 1), &h).code(), StatusCode::kNotFound);
}

TEST(RecordBatch, FindsTheNextIntactBatchAfterDamage) {
  std::vector<std::string> values;
  auto records = sample_records(values);
  std::string bytes;
  ASSERT_TRUE(encode_batch(0, records, {Codec::kNone, nullptr, ""}, &bytes).is_ok());
  const size_t second = bytes.size();
  ASSERT_TRUE(encode_batch(50, records, {Codec::kNone, nullptr, ""}, &bytes).is_ok());
  bytes[30] ^= 1;
  EXPECT_EQ(find_next_batch(bytes, 1), second);
  EXPECT_EQ(find_next_batch(bytes, second + 1), std::string::npos);
}

TEST(KeyRing, RejectsBadKeysWithTheirPlace) {
  KeyRing keys;
  Status s = keys.load_text_list("k1:abcd", "$SLUICE_LOG_KEYS");
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("$SLUICE_LOG_KEYS"), std::string::npos);
  EXPECT_NE(s.message().find("64 hex digits"), std::string::npos);
  EXPECT_FALSE(keys.load_text_list("k1:" + std::string(63, 'a') + "z", "x").is_ok());
}

}  // namespace
}  // namespace sluice::log
