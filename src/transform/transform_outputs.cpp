#include "core/dead_letter.h"
#include "transform/transform.h"

namespace sluice::transform {

void TransformOutputs::dead_letter(const Event& original, std::string_view reason) {
  Batch& dead = ports_.back();
  dead.events.push_back(dead_letter_event(dead.arena(), component_, reason, original));
  stats_.add_dead_lettered(1);
}

}  // namespace sluice::transform
