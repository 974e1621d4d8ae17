#include "format/parquet/dictionary.h"

#include <xxhash.h>

#include <cstring>

namespace sluice::format::parquet {

namespace {
uint64_t mix(uint64_t x) {
  // A 64-bit finaliser (from splitmix64): consecutive integers spread over the table.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Dictionary::Dictionary(ColumnType type, size_t max_plain_bytes)
    : type_(type), max_plain_bytes_(max_plain_bytes) {
  offsets_.push_back(0);
  slots_.assign(256, 0);
  slot_hashes_.assign(256, 0);
}

void Dictionary::clear() {
  count_ = 0;
  plain_bytes_ = 0;
  values_.clear();
  offsets_.assign(1, 0);
  slots_.assign(256, 0);
  slot_hashes_.assign(256, 0);
}

std::string_view Dictionary::value_bytes(uint32_t index) const {
  return std::string_view(values_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]);
}

bool Dictionary::index_of_int(int64_t v, uint32_t* index) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  return insert(mix(static_cast<uint64_t>(v)), std::string_view(bytes, 8), index);
}

bool Dictionary::index_of_double(double v, uint32_t* index) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  return insert(mix(bits), std::string_view(bytes, 8), index);
}

bool Dictionary::index_of_string(std::string_view v, uint32_t* index) {
  return insert(XXH3_64bits(v.data(), v.size()), v, index);
}

bool Dictionary::insert(uint64_t hash, std::string_view bytes, uint32_t* index) {
  const size_t mask = slots_.size() - 1;
  const auto tag = static_cast<uint32_t>(hash >> 32);
  size_t slot = static_cast<size_t>(hash) & mask;
  while (slots_[slot] != 0) {
    const uint32_t candidate = slots_[slot] - 1;
    if (slot_hashes_[slot] == tag && value_bytes(candidate) == bytes) {
      *index = candidate;
      return true;
    }
    slot = (slot + 1) & mask;
  }
  const size_t plain = type_ == ColumnType::kString ? 4 + bytes.size() : 8;
  if (plain_bytes_ + plain > max_plain_bytes_ || values_.size() + bytes.size() > UINT32_MAX)
    return false;
  const auto added = static_cast<uint32_t>(count_++);
  values_.append(bytes);
  offsets_.push_back(static_cast<uint32_t>(values_.size()));
  plain_bytes_ += plain;
  slots_[slot] = added + 1;
  slot_hashes_[slot] = tag;
  *index = added;
  if (count_ * 2 > slots_.size()) grow();  // keep the load under a half: probes stay short
  return true;
}

void Dictionary::grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0), tags(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (uint32_t i = 0; i < count_; ++i) {
    const std::string_view bytes = value_bytes(i);
    uint64_t hash;
    if (type_ == ColumnType::kString) {
      hash = XXH3_64bits(bytes.data(), bytes.size());
    } else {
      uint64_t bits;
      std::memcpy(&bits, bytes.data(), 8);
      hash = mix(bits);
    }
    size_t slot = static_cast<size_t>(hash) & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = i + 1;
    tags[slot] = static_cast<uint32_t>(hash >> 32);
  }
  slots_.swap(slots);
  slot_hashes_.swap(tags);
}

void Dictionary::encode_plain(std::string* out) const {
  if (type_ != ColumnType::kString) {
    out->append(values_);  // 8 little-endian bytes per value, as PLAIN wants
    return;
  }
  for (uint32_t i = 0; i < count_; ++i) {
    const std::string_view v = value_bytes(i);
    const auto n = static_cast<uint32_t>(v.size());
    char length[4];
    std::memcpy(length, &n, 4);
    out->append(length, 4);
    out->append(v);
  }
}

}  // namespace sluice::format::parquet
