#include "transform/remap.h"

#include "core/field_path.h"

namespace sluice::transform {
namespace {

class RemapTransform final : public Transform {
 public:
  explicit RemapTransform(const BuildContext& ctx)
      : renames_(ctx.options().get_path_map("rename")),
        assignments_(ctx.options().get_expression_map("set")),
        deletions_(ctx.options().get_paths("delete")),
        stats_(ctx.stats) {}

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& result = out.main();
    Arena& arena = result.arena();
    for (const Event& event : in.events) {
      Value fields = event.fields;
      if (apply(arena, fields)) {
        result.events.push_back(Event{fields, event.time_us, event.offset});
      } else {
        out.dead_letter(event, error_);
      }
    }
    stats_.add_in(in.size());
    stats_.add_out(result.size());
  }

 private:
  // Applies every step to `fields`; on failure sets error_ and returns false.
  bool apply(Arena& arena, Value& fields) {
    for (const auto& [from, to] : renames_) {
      const Value* value = lookup(fields, from);
      if (value == nullptr) continue;  // renaming an absent field is not an error
      Value moved = *value;
      bool removed = false;
      fields = remove_path(arena, fields, from, &removed);
      auto updated = set_path(arena, fields, to, moved);
      if (!updated) return fail("rename " + from.to_string() + " → " + to.to_string() + ": ", updated.status());
      fields = *updated;
    }
    for (const auto& [target, expression] : assignments_) {
      Value result;
      if (!expression->evaluate(fields, arena, &result, &scratch_)) {
        error_ = "set " + target.to_string() + ": " + scratch_;
        return false;
      }
      auto updated = set_path(arena, fields, target, result);
      if (!updated) return fail("set " + target.to_string() + ": ", updated.status());
      fields = *updated;
    }
    for (const FieldPath& path : deletions_) {
      bool removed = false;
      fields = remove_path(arena, fields, path, &removed);
    }
    return true;
  }

  bool fail(const std::string& step, const Status& status) {
    error_ = step + status.message();
    return false;
  }

  std::vector<std::pair<FieldPath, FieldPath>> renames_;
  std::vector<std::pair<FieldPath, ExpressionPtr>> assignments_;
  std::vector<FieldPath> deletions_;
  observe::ComponentStats& stats_;
  std::string error_;
  std::string scratch_;
};

}  // namespace

TransformType remap_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "remap";
  spec.summary = "Renames, computes (with expressions) and deletes fields.";
  spec.options = {
      OptionSpec::optional("rename", OptionType::kPathMap, "", "Map of old field path to new field path; applied first."),
      OptionSpec::optional("set", OptionType::kExpressionMap, "",
                           "Map of field path to expression, evaluated in order; "
                           "e.g. `latency_s: to_float(.latency_ms) / 1000`."),
      OptionSpec::optional("delete", OptionType::kPathList, "", "Field paths to remove; applied last."),
  };
  spec.check = [](const OptionValues& o) -> std::string {
    if (!o.has("rename") && !o.has("set") && !o.has("delete")) return "remap needs at least one of rename, set or delete";
    return "";
  };
  return TransformType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<RemapTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
