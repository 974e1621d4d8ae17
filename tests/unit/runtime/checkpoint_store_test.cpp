#include "runtime/checkpoint_store.h"

#include <gtest/gtest.h>

#include <fstream>

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
  std::ofstream(store.path(), std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  auto loaded = store.load();
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_NE(loaded.status().message().find(store.path()), std::string::npos) << loaded.status().message();
}

}  // namespace
}  // namespace sluice::runtime
