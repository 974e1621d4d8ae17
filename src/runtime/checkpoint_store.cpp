#include "runtime/checkpoint_store.h"

#include <cstring>
#include <filesystem>

#include "core/varint.h"
#include "log/crc32c.h"
#include "log/file_system.h"

namespace sluice::runtime {
namespace {

constexpr char kMagic[4] = {'S', 'L', 'C', 'K'};
constexpr uint64_t kVersion = 1;

void put_bytes(std::string_view v, std::string* out) {
  put_varint(v.size(), out);
  out->append(v);
}

bool get_bytes(const char*& p, const char* end, std::string* out) {
  uint64_t n = 0;
  if (!get_varint(p, end, &n) || n > static_cast<uint64_t>(end - p)) return false;
  out->assign(p, n);
  p += n;
  return true;
}

}  // namespace

CheckpointStore::CheckpointStore(std::string data_dir, const std::string& group)
    : dir_(std::move(data_dir) + "/_checkpoints"), path_(dir_ + "/" + group + ".checkpoint") {}

std::string CheckpointStore::encode(const Checkpoint& cp) {
  std::string body;
  put_varint(kVersion, &body);
  put_varint(cp.sequence, &body);
  put_varint(cp.offsets.size(), &body);
  for (const auto& [topic, partitions] : cp.offsets) {
    put_bytes(topic, &body);
    put_varint(partitions.size(), &body);
    for (const auto& [partition, offset] : partitions) {
      put_varint(static_cast<uint64_t>(partition), &body);
      put_varint(static_cast<uint64_t>(offset), &body);
    }
  }
  put_varint(cp.states.size(), &body);
  for (const auto& [name, state] : cp.states) {
    put_bytes(name, &body);
    put_bytes(state, &body);
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
  const char* p = body.data();
  const char* end = p + body.size();
  Checkpoint cp;
  uint64_t version = 0, topics = 0, transforms = 0;
  if (!get_varint(p, end, &version) || version != kVersion)
    return Status::corruption("unknown checkpoint version");
  if (!get_varint(p, end, &cp.sequence) || !get_varint(p, end, &topics))
    return Status::corruption("truncated");
  for (uint64_t t = 0; t < topics; ++t) {
    std::string topic;
    uint64_t partitions = 0;
    if (!get_bytes(p, end, &topic) || !get_varint(p, end, &partitions))
      return Status::corruption("truncated");
    auto& map = cp.offsets[topic];
    for (uint64_t i = 0; i < partitions; ++i) {
      uint64_t partition = 0, offset = 0;
      if (!get_varint(p, end, &partition) || !get_varint(p, end, &offset))
        return Status::corruption("truncated");
      map[static_cast<int32_t>(partition)] = static_cast<int64_t>(offset);
    }
  }
  if (!get_varint(p, end, &transforms)) return Status::corruption("truncated");
  for (uint64_t i = 0; i < transforms; ++i) {
    std::string name, state;
    if (!get_bytes(p, end, &name) || !get_bytes(p, end, &state))
      return Status::corruption("truncated");
    cp.states[name] = std::move(state);
  }
  if (p != end) return Status::corruption("trailing bytes");
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
