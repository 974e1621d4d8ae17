#include "transform/transform.h"

namespace sluice::transform {

void TransformOutputs::dead_letter(const Event& original, std::string_view reason) {
  static const FieldId kComponent = FieldNames::intern("component");
  static const FieldId kReason = FieldNames::intern("reason");
  static const FieldId kEvent = FieldNames::intern("event");
  Batch& dead = ports_.back();
  Arena& arena = dead.arena();
  ObjectBuilder b(arena, 3);
  b.append_unique(kComponent, Value::string(arena.copy_string(component_)));
  b.append_unique(kReason, Value::string(arena.copy_string(reason)));
  b.append_unique(kEvent, original.fields);
  dead.events.push_back(Event{b.finish(), original.time_us, original.offset});
  stats_.add_dead_lettered(1);
}

}  // namespace sluice::transform
