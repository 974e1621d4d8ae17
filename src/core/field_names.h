// FieldNames: the process-wide table of interned field names.
//
// An event stores a small integer FieldId per field instead of the name, so field
// lookup compares integers and no event carries its own copy of "service" or
// "latency_ms". Names are added on first sight and never removed; ids are dense
// from 0 and stable for the life of the process (they are never persisted).
//
// Thread-safe. intern() first consults a per-thread cache, so the common case (a
// name seen before by this thread) takes no lock. The table is bounded
// (kMaxFieldNames): untrusted input with endless distinct keys gets an error,
// not an ever-growing process.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

using FieldId = uint32_t;
inline constexpr FieldId kInvalidFieldId = UINT32_MAX;

class FieldNames {
 public:
  static constexpr uint32_t kMaxFieldNames = 1u << 20;
  static constexpr size_t kMaxNameBytes = 64 * 1024;

  // The id of `name`, adding it if new. Returns kInvalidFieldId when the table is
  // full or the name is longer than kMaxNameBytes.
  static FieldId intern(std::string_view name);

  // The id of `name` if it was ever interned; never adds.
  static std::optional<FieldId> find(std::string_view name);

  // The name of an id returned by intern(). The view is valid forever.
  static std::string_view name(FieldId id);

  // How many names are interned.
  static uint32_t size();
};

}  // namespace sluice
