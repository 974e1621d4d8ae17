// ComponentKind: the three roles a pipeline component can have.
#pragma once

namespace sluice {

enum class ComponentKind { kSource, kTransform, kSink };

inline const char* component_kind_name(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kSource: return "source";
    case ComponentKind::kTransform: return "transform";
    case ComponentKind::kSink: return "sink";
  }
  return "component";
}

}  // namespace sluice
