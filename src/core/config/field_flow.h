// FieldFlow: what a component does to the fields it passes on, as far as the
// governance policy needs to know before any data moves.
//
// `sluice validate` follows every classified field (declared in a source schema)
// through the graph to the sinks. Each transform type describes its effect on one
// output through these calls (ComponentSpec::field_flow); a type that describes
// nothing passes its input on unchanged (filter, route, dedup, sample, throttle).
// The checker (governance/exposure_check.h) implements it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/field_path.h"

namespace sluice {

class FieldFlow {
 public:
  virtual ~FieldFlow() = default;

  virtual void rename(const FieldPath& from, const FieldPath& to) = 0;
  virtual void remove(const FieldPath& path) = 0;
  // `target` is computed from `sources` (`how` says how, for messages): it carries
  // the highest class among them and nothing it held before. No sources: a new
  // value of no class. A root path among the sources stands for the whole event.
  virtual void derive(const FieldPath& target, const std::vector<FieldPath>& sources,
                      std::string_view how) = 0;
  // Every field may now hold something computed from `sources` (a parse into the
  // event's root): each takes at least their class.
  virtual void derive_everything(const std::vector<FieldPath>& sources, std::string_view how) = 0;
  // The output is a new event (a window's result, an anomaly): nothing of the
  // input passes unless derive() brings it.
  virtual void start_new_event() = 0;
  // A govern action on `path`: "tokenize", "encrypt", "mask", "hash", "drop" or "allow".
  virtual void protect(const FieldPath& path, std::string_view action) = 0;
};

}  // namespace sluice
