#include "runtime/checkpoint_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/byte_codec.h"
#include "core/time.h"
#include "core/varint.h"
#include "log/crc32c.h"
#include "log/file_system.h"

namespace sluice::runtime {
namespace {

constexpr char kMagic[4] = {'S', 'L', 'C', 'K'};
constexpr char kSealedMagic[4] = {'S', 'L', 'C', 'E'};
constexpr uint64_t kVersion = 1;
constexpr char kChunkMagic[4] = {'S', 'L', 'C', 'C'};

struct Chunk {
  uint64_t sequence = 0, index = 0, count = 0;
  std::string_view bytes;
};

std::optional<Chunk> parse_chunk(std::string_view value) {
  if (value.size() < 4 || std::memcmp(value.data(), kChunkMagic, 4) != 0) return std::nullopt;
  const char* p = value.data() + 4;
  const char* end = value.data() + value.size();
  Chunk c;
  if (!get_varint(p, end, &c.sequence) || !get_varint(p, end, &c.index) ||
      !get_varint(p, end, &c.count) || c.count == 0 || c.index >= c.count)
    return std::nullopt;
  c.bytes = std::string_view(p, static_cast<size_t>(end - p));
  return c;
}

}  // namespace

CheckpointStore::CheckpointStore(std::string data_dir, const std::string& group)
    : dir_(std::move(data_dir) + "/_checkpoints"), path_(dir_ + "/" + group + ".checkpoint") {}

CheckpointStore::CheckpointStore(log::Log& log, std::string topic, int32_t partition)
    : log_(&log),
      topic_(std::move(topic)),
      partition_(partition),
      path_("topic " + topic_ + (partition == 0 ? "" : " partition " + std::to_string(partition))) {
}

log::TopicConfig CheckpointStore::topic_config(const std::string& topic, int32_t partitions) {
  log::TopicConfig config;
  config.name = topic;
  config.partitions = partitions;
  config.durability = log::Durability::kAlways;  // a checkpoint commits offsets right after
  config.segment_bytes = int64_t(64) << 20;
  // On Kafka the brokers keep the newest record of each key (two slots' worth of
  // chunks, save_to_topic), so a checkpoint of any size survives and the topic
  // stays about twice the state. The embedded log does not compact: size
  // retention bounds it there.
  config.compacted = true;
  config.retention_bytes = kTopicRetentionBytes;
  // No age limit: the only checkpoint of a partition that receives nothing for days
  // must not age out (size retention never deletes the newest segment).
  config.retention_age_us = -1;
  config.retention_deletes_uncommitted = true;  // no group reads it
  return config;
}

std::string CheckpointStore::chunk_key(int slot, size_t index) {
  return "checkpoint/" + std::to_string(slot) + "/" + std::to_string(index);
}

Status CheckpointStore::save_to_topic(const std::string& bytes) {
  // Tells the chunks of this save from those of another instance's (random, not a clock:
  // instances' clocks differ).
  std::random_device random;
  const uint64_t sequence = (uint64_t(random()) << 32) ^ random();
  const size_t count = std::max<size_t>(1, (bytes.size() + kChunkBytes - 1) / kChunkBytes);
  std::vector<std::string> values(count), keys(count);
  std::vector<log::Record> records(count);
  for (size_t i = 0; i < count; ++i) {
    std::string& v = values[i];
    v.assign(kChunkMagic, 4);
    put_varint(sequence, &v);
    put_varint(i, &v);
    put_varint(count, &v);
    v.append(std::string_view(bytes).substr(i * kChunkBytes, kChunkBytes));
    keys[i] = chunk_key(next_slot_, i);
    records[i] = log::Record{now_us(), keys[i], v};
  }
  auto appended = log_->append(topic_, partition_, records);
  if (!appended) return appended.status().with_context("checkpoint " + path_);
  // Only a complete save moves to the other slot: a failed one (perhaps stored in
  // part) is retried into the same slot, so compaction never takes a chunk of the
  // newest complete checkpoint, which is in the other.
  next_slot_ = 1 - next_slot_;
  return Status::ok();
}

Result<std::optional<std::string>> CheckpointStore::load_from_topic() const {
  auto topics = log_->topics();
  if (!topics) return topics.status();
  int64_t start = 0, end = 0;
  for (const log::TopicInfo& t : *topics) {
    if (t.config.name == topic_ && static_cast<size_t>(partition_) < t.partitions.size()) {
      start = t.partitions[static_cast<size_t>(partition_)].start_offset;
      end = t.partitions[static_cast<size_t>(partition_)].end_offset;
    }
  }
  struct Stored {
    int64_t offset = 0;
    std::string key, value;
  };
  // The records from `from` on, up to `count` of them and below `before`; in a
  // compacted topic offsets have gaps.
  auto read_records = [&](int64_t from, size_t count,
                          int64_t before) -> Result<std::vector<Stored>> {
    std::vector<Stored> out;
    int64_t next = from;
    while (out.size() < count && next < before) {
      const size_t wanted = std::min<size_t>(count - out.size(), 16);
      auto read = log_->read(topic_, partition_, next, wanted * (kChunkBytes + 64), 2'000'000);
      if (!read) return read.status();
      if (read->records.empty() && read->next_offset <= next)
        return Status::unavailable("reading " + path_ + " at offset " + std::to_string(next) +
                                   ": no records came");
      for (const log::ReadRecord& r : read->records) {
        if (r.offset >= before || out.size() == count) return out;
        out.push_back(Stored{r.offset, std::string(r.key), std::string(r.value)});
      }
      next = read->next_offset;
    }
    return out;
  };
  // The newest record below `before`: the one just before, or, across a gap that
  // compaction left, found by looking further back each time.
  auto record_before = [&](int64_t before) -> Result<std::optional<Stored>> {
    for (int64_t back = 1;; back *= 2) {
      const int64_t from = std::max(start, before - back);
      auto window = read_records(from, SIZE_MAX, before);
      if (!window) return window.status();
      if (!window->empty()) return std::optional<Stored>(std::move(window->back()));
      if (from == start) return std::optional<Stored>();
    }
  };
  auto parse = [&](const Stored& r) -> Result<Chunk> {
    const std::optional<Chunk> c = parse_chunk(r.value);
    if (!c)
      return Status::corruption("offset " + std::to_string(r.offset) +
                                " is not a checkpoint chunk");
    return *c;
  };
  // A set's slot, from its chunks' key; -1 for a key without one.
  auto slot_of = [](const std::string& key) {
    return key.rfind("checkpoint/0/", 0) == 0 ? 0 : key.rfind("checkpoint/1/", 0) == 0 ? 1 : -1;
  };
  auto found = [&](const std::string& key, std::string bytes) {
    // The next save goes to the other slot than the checkpoint restored.
    next_slot_ = slot_of(key) == 0 ? 1 : 0;
    return std::optional<std::string>(std::move(bytes));
  };

  auto newest = record_before(end);
  if (!newest) return newest.status();
  if (!*newest) return std::optional<std::string>();
  // Usually the newest record ends a complete set whose chunks are the records just
  // before it: read them forward at once.
  {
    auto last = parse(**newest);
    if (!last) return last.status();
    const int64_t first = (*newest)->offset - static_cast<int64_t>(last->index);
    if (last->index + 1 == last->count && first >= start) {
      auto set = read_records(first, last->count, end);
      if (!set) return set.status();
      std::string bytes;
      bool complete = set->size() == last->count;
      for (size_t i = 0; complete && i < set->size(); ++i) {
        const std::optional<Chunk> c = parse_chunk((*set)[i].value);
        complete = c && c->sequence == last->sequence && c->index == i &&
                   (*set)[i].offset == first + static_cast<int64_t>(i);
        if (complete) bytes.append(c->bytes);
      }
      if (complete) return found((*newest)->key, std::move(bytes));
    }
  }
  // Otherwise (a save cut short, gaps compaction left): record by record from the
  // newest back, the first set found whole from its last chunk to its first.
  std::vector<Chunk> chunks;  // of the set being followed, from its last chunk down
  std::vector<Stored> records;
  int sets_tried = 0;
  for (std::optional<Stored> at = std::move(*newest); at && sets_tried < 64;) {
    auto c = parse(*at);
    if (!c) return c.status();
    const bool continues = !chunks.empty() && c->sequence == chunks.back().sequence &&
                           c->index + 1 == chunks.back().index;
    if (!continues) {
      chunks.clear();
      records.clear();
      if (c->index + 1 == c->count) ++sets_tried;  // a set's last chunk: follow it
    }
    if (continues || c->index + 1 == c->count) {
      records.push_back(*at);
      chunks.push_back(*c);
      if (c->index == 0) {
        std::string bytes;
        for (auto it = records.rbegin(); it != records.rend(); ++it)
          bytes.append(parse_chunk(it->value)->bytes);
        return found(records.front().key, std::move(bytes));
      }
    }
    auto before = record_before(at->offset);
    if (!before) return before.status();
    at = std::move(*before);
  }
  if (sets_tried < 64) return std::optional<std::string>();
  return Status::corruption("no complete checkpoint among the newest 64 sets");
}

std::string CheckpointStore::encode(const Checkpoint& cp) {
  std::string body;
  ByteWriter w(&body);
  w.u64(kVersion);
  w.u64(cp.sequence);
  w.u64(cp.offsets.size());
  for (const auto& [topic, partitions] : cp.offsets) {
    w.bytes(topic);
    w.u64(partitions.size());
    for (const auto& [partition, offset] : partitions) {
      w.u64(static_cast<uint64_t>(partition));
      w.u64(static_cast<uint64_t>(offset));
    }
  }
  w.u64(cp.states.size());
  for (const auto& [name, state] : cp.states) {
    w.bytes(name);
    w.bytes(state);
  }
  std::string out(kMagic, 4);
  const uint32_t crc = log::crc32c(body);
  out.append(reinterpret_cast<const char*>(&crc), 4);
  out += body;
  return out;
}

Result<Checkpoint> CheckpointStore::decode(std::string_view bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    return Status::corruption("not a sluice checkpoint (bad magic)");
  }
  uint32_t crc = 0;
  std::memcpy(&crc, bytes.data() + 4, 4);
  const std::string_view body = bytes.substr(8);
  if (log::crc32c(body) != crc) return Status::corruption("checksum mismatch");
  ByteReader r(body);
  if (r.u64() != kVersion) return Status::corruption("unknown checkpoint version");
  Checkpoint cp;
  cp.sequence = r.u64();
  const uint64_t topics = r.count(2);
  for (uint64_t t = 0; t < topics && r.ok(); ++t) {
    auto& partitions = cp.offsets[std::string(r.bytes())];
    const uint64_t n = r.count(2);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      const auto partition = static_cast<int32_t>(r.u64());
      partitions[partition] = static_cast<int64_t>(r.u64());
    }
  }
  const uint64_t transforms = r.count(2);
  for (uint64_t i = 0; i < transforms && r.ok(); ++i) {
    std::string name(r.bytes());
    cp.states[std::move(name)] = std::string(r.bytes());
  }
  if (!r.ok()) return Status::corruption("truncated");
  if (!r.at_end()) return Status::corruption("trailing bytes");
  return cp;
}

Status CheckpointStore::save(const Checkpoint& checkpoint) {
  if (log_ != nullptr) {
    auto bytes = seal(encode(checkpoint));
    if (!bytes) return bytes.status();
    return save_to_topic(*bytes);
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::io_error("creating " + dir_ + ": " + ec.message());
  auto bytes = seal(encode(checkpoint));
  if (!bytes) return bytes.status();
  return log::write_file_atomically(log::FileSystem::posix(), path_, *bytes);
}

Status CheckpointStore::encrypt_with(log::KeyRing keys, std::string key_id) {
  if (!key_id.empty() && keys.find(key_id) == nullptr) {
    return Status::invalid("state_encryption_key \"" + key_id +
                           "\" is not among the keys loaded (log: key_file or key_env)");
  }
  keys_ = std::move(keys);
  key_id_ = std::move(key_id);
  return Status::ok();
}

Result<std::string> CheckpointStore::seal(std::string plain) const {
  if (key_id_.empty()) return plain;
  const log::Key256* key = keys_.find(key_id_);
  if (key == nullptr) {
    return Status::invalid("state_encryption_key \"" + key_id_ + "\" is not among the keys loaded");
  }
  std::string out(kSealedMagic, sizeof kSealedMagic);
  put_varint(key_id_.size(), &out);
  out += key_id_;
  const size_t header = out.size();
  unsigned char nonce[log::kNonceBytes], tag[log::kTagBytes];
  std::string cipher;
  SLUICE_RETURN_IF_ERROR(
      log::seal(*key, std::string_view(out.data(), header), plain, nonce, tag, &cipher));
  out.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  out.append(reinterpret_cast<const char*>(tag), sizeof tag);
  out += cipher;
  return out;
}

Result<std::string> CheckpointStore::unseal(std::string_view bytes) const {
  if (bytes.size() < sizeof kSealedMagic ||
      std::memcmp(bytes.data(), kSealedMagic, sizeof kSealedMagic) != 0) {
    return std::string(bytes);
  }
  const char* p = bytes.data() + sizeof kSealedMagic;
  uint64_t id_length = 0;
  if (!get_varint(p, bytes.data() + bytes.size(), &id_length))
    return Status::corruption("the encryption header is cut short");
  std::string_view rest(p, static_cast<size_t>(bytes.data() + bytes.size() - p));
  if (id_length > 64 || rest.size() < id_length + log::kNonceBytes + log::kTagBytes) {
    return Status::corruption("the encryption header is cut short");
  }
  const std::string id(rest.substr(0, id_length));
  const size_t header = bytes.size() - rest.size() + id_length;
  rest.remove_prefix(id_length);
  const log::Key256* key = keys_.find(id);
  if (key == nullptr) {
    return Status::invalid("it is encrypted with key \"" + id +
                           "\", which is not among the keys loaded (log: key_file or key_env)");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(rest.data());
  const auto* tag = nonce + log::kNonceBytes;
  std::string plain;
  SLUICE_RETURN_IF_ERROR(log::open_sealed(*key, bytes.substr(0, header),
                                          rest.substr(log::kNonceBytes + log::kTagBytes), nonce,
                                          tag, &plain));
  return plain;
}

Result<std::optional<Checkpoint>> CheckpointStore::load() const {
  Result<std::string> bytes = std::string();
  if (log_ != nullptr) {
    auto stored = load_from_topic();
    if (!stored) return stored.status().with_context("checkpoint " + path_);
    if (!*stored) return std::optional<Checkpoint>();
    bytes = std::move(**stored);
  } else {
    bytes = log::read_whole_file(path_);
    if (!bytes) {
      if (bytes.status().code() == StatusCode::kNotFound) return std::optional<Checkpoint>();
      return bytes.status();
    }
  }
  auto plain = unseal(*bytes);
  if (!plain) return plain.status().with_context("checkpoint " + path_);
  auto cp = decode(*plain);
  if (!cp) return cp.status().with_context("checkpoint " + path_);
  return std::optional<Checkpoint>(std::move(cp).value());
}

}  // namespace sluice::runtime
