#include "transform/event_key.h"

#include <cstring>

#include "format/event_codec.h"

namespace sluice::transform {

std::string_view EventKey::of(const Value& event) {
  key_.clear();
  for (const FieldPath& path : fields_) {
    const Value* v = lookup(event, path);
    const size_t mark = key_.size();
    key_.append(4, '\0');
    format::encode_value(v ? *v : Value::null(), &key_);
    const auto length = static_cast<uint32_t>(key_.size() - mark - 4);
    std::memcpy(key_.data() + mark, &length, 4);
  }
  return key_;
}

}  // namespace sluice::transform
