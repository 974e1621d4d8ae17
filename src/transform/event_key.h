// EventKey: the key of an event under some key fields, as bytes — what windows,
// dedup, throttle and anomaly detection group by.
//
// Each field's value is written in the binary event encoding behind a 4-byte
// length, so different values never make the same key ("a" + "bc" vs "ab" + "c"),
// a missing field keys like null, and numbers of different types stay apart.
// The buffer is reused: no allocation per event once it has grown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/field_path.h"
#include "core/value.h"

namespace sluice::transform {

class EventKey {
 public:
  explicit EventKey(std::vector<FieldPath> fields) : fields_(std::move(fields)) {}

  // The key of `event`; valid until the next call.
  std::string_view of(const Value& event);
  const std::vector<FieldPath>& fields() const { return fields_; }

 private:
  std::vector<FieldPath> fields_;
  std::string key_;
};

}  // namespace sluice::transform
