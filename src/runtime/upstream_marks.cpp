#include "runtime/upstream_marks.h"

#include "core/byte_codec.h"

namespace sluice::runtime {

namespace {
constexpr uint64_t kVersion = 1;

}  // namespace

bool UpstreamMarks::first_time(const UpstreamPosition& position) {
  if (position.offset < 0) return true;
  const Mark mark{position.offset, position.ordinal};
  // Looked up without building a key string: this runs once per event.
  auto it = highest_.lower_bound(
      std::pair<std::string_view, int32_t>(position.source, position.partition));
  if (it != highest_.end() && it->first.first == position.source &&
      it->first.second == position.partition) {
    if (mark <= it->second) return false;
    it->second = mark;
    return true;
  }
  highest_.emplace_hint(it, Key(std::string(position.source), position.partition), mark);
  return true;
}

void UpstreamMarks::save(std::string* out) const {
  ByteWriter w(out);
  w.u64(kVersion);
  w.u64(highest_.size());
  for (const auto& [key, mark] : highest_) {
    w.bytes(key.first);
    w.u64(static_cast<uint64_t>(key.second));
    w.u64(static_cast<uint64_t>(mark.first));
    w.u64(mark.second);
  }
}

Status UpstreamMarks::load(std::string_view bytes) {
  highest_.clear();
  if (bytes.empty()) return Status::ok();
  ByteReader r(bytes);
  if (r.u64() != kVersion) return Status::corruption("upstream marks: unknown version");
  const uint64_t n = r.count(4);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string source(r.bytes());
    const auto partition = static_cast<int32_t>(r.u64());
    const auto offset = static_cast<int64_t>(r.u64());
    const auto ordinal = static_cast<uint32_t>(r.u64());
    highest_[Key(std::move(source), partition)] = Mark(offset, ordinal);
  }
  if (!r.ok() || !r.at_end())
    return Status::corruption("upstream marks: truncated or trailing bytes");
  return Status::ok();
}

}  // namespace sluice::runtime
