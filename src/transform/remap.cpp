#include "transform/remap.h"

#include <algorithm>

#include "core/field_path.h"

namespace sluice::transform {
namespace {

class RemapTransform final : public Transform {
 public:
  explicit RemapTransform(const BuildContext& ctx)
      : renames_(ctx.options().get_path_map("rename")),
        assignments_(ctx.options().get_expression_map("set")),
        deletions_(ctx.options().get_paths("delete")),
        room_(static_cast<uint32_t>(renames_.size() + assignments_.size())),
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
  // The event's top-level fields, copied once into the batch's arena with room for
  // the fields the steps may add, and edited in place: one copy per event instead of
  // one per step. Steps on nested paths go through set_path/remove_path on a view.
  struct Working {
    Field* fields = nullptr;
    uint32_t size = 0, capacity = 0;

    void load(Arena& arena, const Value& object, uint32_t room) {
      const auto source = object.as_object();
      capacity = static_cast<uint32_t>(source.size()) + room;
      fields = arena.allocate_array<Field>(capacity);
      size = static_cast<uint32_t>(source.size());
      std::copy(source.begin(), source.end(), fields);
    }
    Value view() const { return Value::object(fields, size); }
    // Copies `v` when it is this buffer itself (`set: {copy: .}`), which later steps change.
    Value detached(Arena& arena, Value v) const {
      if (!v.is_object() || v.as_object().data() != fields) return v;
      Field* copy = arena.allocate_array<Field>(size);
      std::copy(fields, fields + size, copy);
      return Value::object(copy, size);
    }
    void set(Arena& arena, FieldId name, Value v) {
      for (uint32_t i = 0; i < size; ++i) {
        if (fields[i].name == name) {
          fields[i].value = v;
          return;
        }
      }
      if (size == capacity) {  // only after a nested step rebuilt the buffer
        Field* bigger = arena.allocate_array<Field>(capacity * 2 + 1);
        std::copy(fields, fields + size, bigger);
        fields = bigger;
        capacity = capacity * 2 + 1;
      }
      fields[size++] = Field{name, v};
    }
    void remove(FieldId name) {
      for (uint32_t i = 0; i < size; ++i) {
        if (fields[i].name != name) continue;
        std::copy(fields + i + 1, fields + size, fields + i);
        --size;
        return;
      }
    }
  };

  static bool top_level(const FieldPath& p) {
    return p.segments().size() == 1 && !p.segments()[0].is_index;
  }

  // Applies every step to `fields`; on failure sets error_ and returns false.
  bool apply(Arena& arena, Value& fields) {
    Working w;
    w.load(arena, fields, room_);
    const auto reload = [&](const Value& v) { w.load(arena, v, room_); };
    for (const auto& [from, to] : renames_) {
      const Value view = w.view();
      const Value* value = lookup(view, from);
      if (value == nullptr) continue;  // renaming an absent field is not an error
      const Value moved = *value;
      if (top_level(from) && top_level(to)) {
        w.remove(from.segments()[0].field);
        w.set(arena, to.segments()[0].field, moved);
        continue;
      }
      bool removed = false;
      Value edited = remove_path(arena, view, from, &removed);
      auto updated = set_path(arena, edited, to, moved);
      if (!updated)
        return fail("rename " + from.to_string() + " → " + to.to_string() + ": ", updated.status());
      reload(*updated);
    }
    for (const auto& [target, expression] : assignments_) {
      Value result;
      if (!expression->evaluate(w.view(), arena, &result, &scratch_)) {
        error_ = "set " + target.to_string() + ": " + scratch_;
        return false;
      }
      result = w.detached(arena, result);
      if (top_level(target)) {
        w.set(arena, target.segments()[0].field, result);
        continue;
      }
      auto updated = set_path(arena, w.view(), target, result);
      if (!updated) return fail("set " + target.to_string() + ": ", updated.status());
      reload(*updated);
    }
    for (const FieldPath& path : deletions_) {
      if (top_level(path)) {
        w.remove(path.segments()[0].field);
        continue;
      }
      bool removed = false;
      reload(remove_path(arena, w.view(), path, &removed));
    }
    fields = w.view();
    return true;
  }

  bool fail(const std::string& step, const Status& status) {
    error_ = step + status.message();
    return false;
  }

  std::vector<std::pair<FieldPath, FieldPath>> renames_;
  std::vector<std::pair<FieldPath, ExpressionPtr>> assignments_;
  std::vector<FieldPath> deletions_;
  uint32_t room_;  // fields the steps may add
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
      OptionSpec::optional("rename", OptionType::kPathMap, "",
                           "Map of old field path to new field path; applied first."),
      OptionSpec::optional("set", OptionType::kExpressionMap, "",
                           "Map of field path to expression, evaluated in order; "
                           "e.g. `latency_s: to_float(.latency_ms) / 1000`."),
      OptionSpec::optional("delete", OptionType::kPathList, "",
                           "Field paths to remove; applied last."),
  };
  spec.check = [](const OptionValues& o) -> std::string {
    if (!o.has("rename") && !o.has("set") && !o.has("delete"))
      return "remap needs at least one of rename, set or delete";
    return "";
  };
  // In the order the steps run: renames, then each set in turn, then deletes.
  spec.field_flow = [](const OptionValues& o, const std::string&, FieldFlow& flow) {
    if (o.has("rename")) {
      for (const auto& [from, to] : o.get_path_map("rename")) flow.rename(from, to);
    }
    if (o.has("set")) {
      for (const auto& [target, expression] : o.get_expression_map("set")) {
        flow.derive(target, expression->referenced_paths(), expression->text());
      }
    }
    if (o.has("delete")) {
      for (const FieldPath& path : o.get_paths("delete")) flow.remove(path);
    }
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<RemapTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
