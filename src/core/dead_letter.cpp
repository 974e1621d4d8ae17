#include "core/dead_letter.h"

#include "core/field_names.h"

namespace sluice {

Event dead_letter_event(Arena& arena, std::string_view component, std::string_view reason,
                        const Event& original) {
  static const FieldId kComponent = FieldNames::intern("component");
  static const FieldId kReason = FieldNames::intern("reason");
  static const FieldId kEvent = FieldNames::intern("event");
  ObjectBuilder b(arena, 3);
  b.append_unique(kComponent, Value::string(arena.copy_string(component)));
  b.append_unique(kReason, Value::string(arena.copy_string(reason)));
  b.append_unique(kEvent, original.fields);
  return Event{b.finish(), original.time_us, original.offset};
}

}  // namespace sluice
