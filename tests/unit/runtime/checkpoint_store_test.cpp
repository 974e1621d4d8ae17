#include "runtime/checkpoint_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "log/embedded_log.h"
#include "support/compacting_log.h"
#include "support/temp_dir.h"

namespace sluice::runtime {
namespace {

Checkpoint sample() {
  Checkpoint cp;
  cp.sequence = 42;
  cp.offsets["events"][0] = 1000;
  cp.offsets["events"][1] = 77;
  cp.offsets["audit"][0] = 0;
  cp.states["per_minute"] = std::string("\x01\x02\x00state", 8);
  cp.states["sessions"] = "";
  return cp;
}

TEST(CheckpointStore, SavedCheckpointLoadsBackWhole) {
  sluice::testing::TempDir dir;
  CheckpointStore store(dir.path(), "sluice");
  auto none = store.load();
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->has_value()) << "no checkpoint yet is not an error";
  ASSERT_TRUE(store.save(sample()).is_ok());
  auto loaded = store.load();
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  const Checkpoint& cp = **loaded;
  EXPECT_EQ(cp.sequence, 42u);
  EXPECT_EQ(cp.offsets, sample().offsets);
  EXPECT_EQ(cp.states, sample().states);
}

TEST(CheckpointStore, EveryDamagedOrTruncatedFileIsAnErrorThatNamesIt) {
  const std::string bytes = CheckpointStore::encode(sample());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(CheckpointStore::decode(bytes.substr(0, cut)).is_ok()) << "cut at " << cut;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] ^= 0x20;
    EXPECT_FALSE(CheckpointStore::decode(flipped).is_ok()) << "byte " << i;
  }
  sluice::testing::TempDir dir;
  CheckpointStore store(dir.path(), "g");
  ASSERT_TRUE(store.save(sample()).is_ok());
  std::ofstream(store.path(), std::ios::binary | std::ios::trunc)
      << bytes.substr(0, bytes.size() / 2);
  auto loaded = store.load();
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_NE(loaded.status().message().find(store.path()), std::string::npos)
      << loaded.status().message();
}

log::KeyRing keys(const std::string& list) {
  log::KeyRing ring;
  EXPECT_TRUE(ring.load_text_list(list, "test").is_ok());
  return ring;
}

const char* kKey1 = "k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kKey2 = "k2:1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CheckpointStore, AnEncryptedCheckpointHoldsNoStateInTheClearAndLoadsBack) {
  sluice::testing::TempDir dir;
  CheckpointStore store(dir.path(), "sluice");
  ASSERT_TRUE(store.encrypt_with(keys(kKey1), "k1").is_ok());
  ASSERT_TRUE(store.save(sample()).is_ok());
  const std::string bytes = file_bytes(store.path());
  EXPECT_EQ(bytes.substr(0, 4), "SLCE");
  EXPECT_EQ(bytes.find("per_minute"), std::string::npos);
  EXPECT_EQ(bytes.find("events"), std::string::npos);
  auto loaded = store.load();
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((**loaded).states, sample().states);
  EXPECT_EQ((**loaded).offsets, sample().offsets);

  // After a rotation the old key still reads it; without the key it is an error, never garbage.
  CheckpointStore rotated(dir.path(), "sluice");
  ASSERT_TRUE(rotated.encrypt_with(keys(std::string(kKey1) + "," + kKey2), "k2").is_ok());
  ASSERT_TRUE(rotated.load().is_ok());
  CheckpointStore keyless(dir.path(), "sluice");
  auto refused = keyless.load();
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("key \"k1\""), std::string::npos)
      << refused.status().message();
  CheckpointStore wrong(dir.path(), "sluice");
  ASSERT_TRUE(wrong.encrypt_with(keys("k1:" + std::string(64, 'a')), "k1").is_ok());
  EXPECT_FALSE(wrong.load().is_ok());
}

TEST(CheckpointStore, EveryAlteredByteOfAnEncryptedCheckpointIsRefused) {
  sluice::testing::TempDir dir;
  CheckpointStore store(dir.path(), "g");
  ASSERT_TRUE(store.encrypt_with(keys(kKey1), "k1").is_ok());
  ASSERT_TRUE(store.save(sample()).is_ok());
  const std::string bytes = file_bytes(store.path());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] ^= 0x01;
    std::ofstream(store.path(), std::ios::binary | std::ios::trunc) << flipped;
    EXPECT_FALSE(store.load().is_ok()) << "byte " << i;
  }
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    std::ofstream(store.path(), std::ios::binary | std::ios::trunc) << bytes.substr(0, cut);
    auto loaded = store.load();
    EXPECT_TRUE(!loaded.is_ok() || cut == 0) << "cut at " << cut;
  }
}

TEST(CheckpointStore, APlainCheckpointStillLoadsOnceEncryptionIsOnAndAnUnknownKeyIsRefusedAtOnce) {
  sluice::testing::TempDir dir;
  CheckpointStore plain(dir.path(), "g");
  ASSERT_TRUE(plain.save(sample()).is_ok());
  CheckpointStore sealed(dir.path(), "g");
  ASSERT_TRUE(sealed.encrypt_with(keys(kKey1), "k1").is_ok());
  auto loaded = sealed.load();
  ASSERT_TRUE(loaded.is_ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_FALSE(sealed.encrypt_with(keys(kKey1), "k9").is_ok());
}

TEST(CheckpointStore, InATopicOfTheLogTheNewestCompleteSetOfChunksIsTheCheckpoint) {
  sluice::testing::TempDir dir;
  log::EmbeddedLogOptions options;
  options.dir = dir.path();
  auto log = std::move(log::EmbeddedLog::open(options)).value();
  const log::TopicConfig topic = CheckpointStore::topic_config("g.checkpoints");
  EXPECT_EQ(topic.partitions, 1);
  EXPECT_EQ(topic.retention_age_us, -1) << "a quiet pipeline's only checkpoint must not age out";
  EXPECT_GT(topic.retention_bytes, 0);
  ASSERT_TRUE(log->ensure_topic(topic).is_ok());
  CheckpointStore store(*log, topic.name);
  EXPECT_EQ(store.path(), "topic g.checkpoints");
  auto none = store.load();
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  EXPECT_FALSE(none->has_value()) << "an empty topic holds no checkpoint";

  Checkpoint big = sample();
  big.states["per_minute"] = std::string(3 * CheckpointStore::kChunkBytes / 2, 'w');  // 2 chunks
  ASSERT_TRUE(store.save(sample()).is_ok());
  ASSERT_TRUE(store.save(big).is_ok());
  auto loaded = store.load();
  ASSERT_TRUE(loaded.is_ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((*loaded)->states, big.states);
  EXPECT_EQ((*loaded)->offsets, big.offsets);

  // An append that stored only the first chunk of three: passed over for the set before.
  std::string chunk("SLCC", 4);
  chunk += '\x07';  // sequence 7
  chunk += '\x00';  // index 0
  chunk += '\x03';  // of 3
  chunk += "part";
  const log::Record cut_short{0, "checkpoint", chunk};
  ASSERT_TRUE(log->append(topic.name, 0, std::span(&cut_short, 1)).is_ok());
  auto after = store.load();
  ASSERT_TRUE(after.is_ok() && after->has_value()) << after.status().message();
  EXPECT_EQ((*after)->states, big.states);

  // A record that is no chunk at all is an error naming the offset, never state.
  const log::Record foreign{0, "", "not a chunk"};
  ASSERT_TRUE(log->append(topic.name, 0, std::span(&foreign, 1)).is_ok());
  auto bad = store.load();
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("topic g.checkpoints"), std::string::npos);
  EXPECT_NE(bad.status().message().find("offset"), std::string::npos);
}

// A checkpoint whose state takes `chunks` chunks, told apart by `mark`.
Checkpoint of_chunks(size_t chunks, char mark) {
  Checkpoint cp = sample();
  cp.states["per_minute"] = std::string((chunks - 1) * CheckpointStore::kChunkBytes + 100, mark);
  return cp;
}

std::vector<std::string> keys_of(sluice::testing::CompactingLog& log, const std::string& topic) {
  std::vector<std::string> keys;
  for (const auto& r : log.records(topic, 0)) keys.push_back(r.key);
  return keys;
}

TEST(CheckpointStore, OnKafkaTheTopicIsCompactedAndSavesAlternateBetweenTwoSlotsOfKeys) {
  const log::TopicConfig topic = CheckpointStore::topic_config("g.per_minute.changelog", 4);
  EXPECT_TRUE(topic.compacted);
  sluice::testing::CompactingLog log;
  ASSERT_TRUE(log.ensure_topic(topic).is_ok());
  CheckpointStore store(log, topic.name, 0);
  ASSERT_TRUE(store.save(of_chunks(3, 'a')).is_ok());
  ASSERT_TRUE(store.save(of_chunks(2, 'b')).is_ok());
  ASSERT_TRUE(store.save(of_chunks(1, 'c')).is_ok());
  EXPECT_EQ(keys_of(log, topic.name),
            (std::vector<std::string>{"checkpoint/0/0", "checkpoint/0/1", "checkpoint/0/2",
                                      "checkpoint/1/0", "checkpoint/1/1", "checkpoint/0/0"}));
  // The cleaner keeps the newest record of each key: a's chunk 0 goes (c took its key),
  // its chunks 1 and 2 stay as garbage that is no complete set.
  log.compact(topic.name, 0);
  EXPECT_EQ(log.records(topic.name, 0).size(), 5u);
  auto loaded = store.load();
  ASSERT_TRUE(loaded.is_ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((*loaded)->states, of_chunks(1, 'c').states);
}

TEST(CheckpointStore, SavesCutShortAndCompactedAwayLeaveTheCheckpointBeforeThem) {
  const log::TopicConfig topic = CheckpointStore::topic_config("g.per_minute.changelog", 1);
  sluice::testing::CompactingLog log;
  ASSERT_TRUE(log.ensure_topic(topic).is_ok());
  CheckpointStore store(log, topic.name, 0);
  ASSERT_TRUE(store.save(of_chunks(2, 'a')).is_ok());  // slot 0
  ASSERT_TRUE(store.save(of_chunks(3, 'b')).is_ok());  // slot 1
  // Two saves of c, each stored only in part, both into slot 0 (a failed save does
  // not move on): the second overwrites the first one's chunks, compaction leaves
  // gaps, and b, the newest complete checkpoint, is untouched.
  log.store_only_in_next_append(2);
  EXPECT_FALSE(store.save(of_chunks(3, 'c')).is_ok());
  log.store_only_in_next_append(1);
  EXPECT_FALSE(store.save(of_chunks(3, 'c')).is_ok());
  log.compact(topic.name, 0);
  auto loaded = store.load();
  ASSERT_TRUE(loaded.is_ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ((*loaded)->states, of_chunks(3, 'b').states);

  // Another instance restoring b saves into slot 0 next, never over b.
  CheckpointStore next_owner(log, topic.name, 0);
  auto restored = next_owner.load();
  ASSERT_TRUE(restored.is_ok() && restored->has_value()) << restored.status().message();
  ASSERT_TRUE(next_owner.save(of_chunks(1, 'd')).is_ok());
  EXPECT_EQ(log.records(topic.name, 0).back().key, "checkpoint/0/0");
  log.compact(topic.name, 0);
  auto after = next_owner.load();
  ASSERT_TRUE(after.is_ok() && after->has_value()) << after.status().message();
  EXPECT_EQ((*after)->states, of_chunks(1, 'd').states);
}

}  // namespace
}  // namespace sluice::runtime
