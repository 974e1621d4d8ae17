// CheckpointStore: the state of a pipeline's stateful transforms, saved together
// with the input offsets it reflects.
//
// A checkpoint is taken on the pipeline thread between two batches, so every
// stateful transform's state and the offsets (topic → partition → next offset)
// form one consistent cut. It is written only once every sink made durable what
// the graph had given it up to that cut (commit_tracker.h), and the consumer
// group's offsets are committed to the checkpoint's offsets right after. On start,
// the transforms load their state, reading resumes at the committed offsets, and
// events below the checkpoint's offsets — already in the state — go to stateless
// paths only. A crash at any moment therefore neither loses nor double counts an
// event in a window (exactly-once state); outputs are at-least-once and carry a
// deterministic identity (window bounds and key) so a replayed result is the same.
//
// File: <data_dir>/_checkpoints/<group>.checkpoint, replaced atomically (temp file,
// fsync, rename, directory fsync). Byte layout (varints are LEB128):
//
//   magic "SLCK"  u32 crc32c (Castagnoli) of everything after it
//   varint version (1)  varint sequence
//   varint topic count, per topic: varint length + name,
//          varint partition count, per partition: varint partition, varint next offset
//   varint transform count, per transform: varint length + name, varint length + state
//
// Encrypted (log.state_encryption_key): window state holds key values — user ids,
// services, whatever the windows group by — so it is sealed like log batches:
//
//   magic "SLCE"  varint length + key id  12-byte nonce  16-byte GCM tag
//   AES-256-GCM ciphertext of the plain layout above (magic and key id authenticated)
//
// A file sealed under a key that is not loaded, or altered, is an error naming the
// file, never state read as garbage. Reading takes either form, so turning
// encryption on (or rotating its key) needs no migration.
//
// In a topic of the log instead (a pipeline on Kafka: instances that share the log
// restore what another saved): in one partition of the topic (the only one, or a
// stateful transform's partition, partitioned_state.h); every save appends
// the file's bytes as one batch of records of at most kChunkBytes each, value
//
//   magic "SLCC"  varint sequence  varint chunk index  varint chunk count  bytes
//
// and key "checkpoint/<slot>/<chunk index>". The topic is compacted on Kafka (the
// newest record of each key kept), and saves alternate between slots 0 and 1 once
// they succeed, so the newest complete checkpoint is never compacted away by the
// saves after it. The checkpoint is the newest complete set of chunks; a set cut
// short (an append that stored only part of its records) is passed over for the
// one before, across the gaps in offsets that compaction leaves.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "log/encryption.h"
#include "log/log.h"

namespace sluice::runtime {

struct Checkpoint {
  uint64_t sequence = 0;
  std::map<std::string, std::map<int32_t, int64_t>> offsets;  // topic → partition → next offset
  std::map<std::string, std::string> states;                  // transform name → saved state
};

// Where the CommitTracker saves the checkpoints it commits.
class CheckpointSaver {
 public:
  virtual ~CheckpointSaver() = default;
  virtual Status save(const Checkpoint& checkpoint) = 0;
  // Where checkpoints are, for messages.
  virtual const std::string& path() const = 0;
};

class CheckpointStore final : public CheckpointSaver {
 public:
  CheckpointStore(std::string data_dir, const std::string& group);
  // In `partition` of `topic` of `log` (ensured with topic_config()); `log` must
  // outlive the store.
  CheckpointStore(log::Log& log, std::string topic, int32_t partition = 0);
  static log::TopicConfig topic_config(const std::string& topic, int32_t partitions = 1);
  static constexpr size_t kChunkBytes = 512 << 10;
  // Size retention of a checkpoint topic's partitions in the embedded log (no age
  // limit); on Kafka the topic is compacted instead.
  static constexpr int64_t kTopicRetentionBytes = int64_t(256) << 20;

  // Seal new checkpoints with `key_id` of `keys` (empty: write them plain); every
  // key of `keys` can read one. An error when `key_id` is not among `keys`.
  Status encrypt_with(log::KeyRing keys, std::string key_id);

  // Where checkpoints are, for messages: a file path or "topic <name>".
  const std::string& path() const override { return path_; }
  const std::string& topic() const { return topic_; }  // empty: in a file
  Status save(const Checkpoint& checkpoint) override;
  // The last saved checkpoint; nullopt when there is none. A damaged file is an
  // error that names it (never silently ignored: that would double count).
  Result<std::optional<Checkpoint>> load() const;

  static std::string encode(const Checkpoint& checkpoint);
  static Result<Checkpoint> decode(std::string_view bytes);

 private:
  Result<std::string> seal(std::string plain) const;
  Result<std::string> unseal(std::string_view bytes) const;
  Status save_to_topic(const std::string& bytes);
  Result<std::optional<std::string>> load_from_topic() const;
  static std::string chunk_key(int slot, size_t index);

  log::Log* log_ = nullptr;  // set: in topic_ of this log, not in a file
  std::string topic_;
  int32_t partition_ = 0;

  std::string dir_;
  std::string path_;
  log::KeyRing keys_;
  std::string key_id_;
  // The slot (0 or 1) of the key space the next save's chunks use: saves alternate
  // once they succeed, and a load continues in the slot it did not restore.
  mutable int next_slot_ = 0;
};

}  // namespace sluice::runtime
