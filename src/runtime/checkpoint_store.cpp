#include "runtime/checkpoint_store.h"

#include <cstring>
#include <filesystem>

#include "core/byte_codec.h"
#include "log/crc32c.h"
#include "log/file_system.h"

namespace sluice::runtime {
namespace {

constexpr char kMagic[4] = {'S', 'L', 'C', 'K'};
constexpr uint64_t kVersion = 1;

}  // namespace

CheckpointStore::CheckpointStore(std::string data_dir, const std::string& group)
    : dir_(std::move(data_dir) + "/_checkpoints"), path_(dir_ + "/" + group + ".checkpoint") {}

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
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::io_error("creating " + dir_ + ": " + ec.message());
  return log::write_file_atomically(log::FileSystem::posix(), path_, encode(checkpoint));
}

Result<std::optional<Checkpoint>> CheckpointStore::load() const {
  auto bytes = log::read_whole_file(path_);
  if (!bytes) {
    if (bytes.status().code() == StatusCode::kNotFound) return std::optional<Checkpoint>();
    return bytes.status();
  }
  auto cp = decode(*bytes);
  if (!cp) return cp.status().with_context("checkpoint " + path_);
  return std::optional<Checkpoint>(std::move(cp).value());
}

}  // namespace sluice::runtime
