#include "core/field_names.h"

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice {
namespace {

// Names live in fixed chunks that never move, so name(id) reads without a lock:
// a reader only ever sees ids that were published to it after the entry was written.
constexpr uint32_t kChunkBits = 12;
constexpr uint32_t kChunkSize = 1u << kChunkBits;
constexpr uint32_t kChunkCount = FieldNames::kMaxFieldNames / kChunkSize;

struct Table {
  std::mutex mutex;
  std::unordered_map<std::string_view, FieldId> ids;
  std::array<std::atomic<std::string_view*>, kChunkCount> chunks{};
  std::atomic<uint32_t> count{0};
};

Table& table() {
  static Table* t = new Table();  // never destroyed: ids outlive static destruction order
  return *t;
}

uint64_t hash_name(std::string_view s) {
  // FNV-1a over 8-byte words; names are short, this is cheap and good enough for a cache.
  uint64_t h = 1469598103934665603ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 1099511628211ull;
  return h ^ (h >> 32);
}

// Per-thread direct-mapped cache in front of the locked table.
struct CacheEntry {
  const char* data = nullptr;
  uint32_t size = 0;
  FieldId id = kInvalidFieldId;
};
constexpr size_t kCacheSize = 4096;
thread_local std::array<CacheEntry, kCacheSize> tls_cache;

FieldId intern_locked(std::string_view name) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  auto it = t.ids.find(name);
  if (it != t.ids.end()) return it->second;
  uint32_t id = t.count.load(std::memory_order_relaxed);
  if (id >= FieldNames::kMaxFieldNames) return kInvalidFieldId;
  uint32_t chunk = id >> kChunkBits;
  std::string_view* entries = t.chunks[chunk].load(std::memory_order_relaxed);
  if (entries == nullptr) {
    entries = new std::string_view[kChunkSize];
    t.chunks[chunk].store(entries, std::memory_order_release);
  }
  char* copy = new char[name.size() + 1];
  std::memcpy(copy, name.data(), name.size());
  copy[name.size()] = '\0';
  std::string_view stored(copy, name.size());
  entries[id & (kChunkSize - 1)] = stored;
  t.ids.emplace(stored, id);
  t.count.store(id + 1, std::memory_order_release);
  return id;
}

}  // namespace

FieldId FieldNames::intern(std::string_view name) {
  if (name.size() > kMaxNameBytes) return kInvalidFieldId;
  CacheEntry& slot = tls_cache[hash_name(name) & (kCacheSize - 1)];
  if (slot.id != kInvalidFieldId && slot.size == name.size() &&
      std::memcmp(slot.data, name.data(), name.size()) == 0) {
    return slot.id;
  }
  FieldId id = intern_locked(name);
  if (id != kInvalidFieldId) {
    std::string_view stored = FieldNames::name(id);
    slot = CacheEntry{stored.data(), static_cast<uint32_t>(stored.size()), id};
  }
  return id;
}

std::optional<FieldId> FieldNames::find(std::string_view name) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  auto it = t.ids.find(name);
  if (it == t.ids.end()) return std::nullopt;
  return it->second;
}

std::string_view FieldNames::name(FieldId id) {
  Table& t = table();
  if (id >= t.count.load(std::memory_order_acquire)) return {};
  return t.chunks[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
}

uint32_t FieldNames::size() { return table().count.load(std::memory_order_acquire); }

}  // namespace sluice
