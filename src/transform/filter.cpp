#include "transform/filter.h"

namespace sluice::transform {
namespace {

class FilterTransform final : public Transform {
 public:
  explicit FilterTransform(const BuildContext& ctx)
      : condition_(ctx.options().get_expression("condition")), stats_(ctx.stats) {}

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& kept = out.main();
    Arena& arena = kept.arena();
    for (const Event& event : in.events) {
      int verdict = condition_->test(event.fields, arena, &error_);
      if (verdict == 1) {
        kept.events.push_back(event);
      } else if (verdict < 0) {
        out.dead_letter(event, "condition: " + error_);
      }
    }
    stats_.add_in(in.size());
    stats_.add_out(kept.size());
  }

 private:
  ExpressionPtr condition_;
  observe::ComponentStats& stats_;
  std::string error_;  // reused so the error path does not allocate per event
};

}  // namespace

TransformType filter_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "filter";
  spec.summary = "Keeps the events for which a condition is true.";
  spec.options = {
      OptionSpec::required_option("condition", OptionType::kCondition,
                                  "Boolean expression; events for which it is true pass, e.g. `.status >= 500`."),
  };
  return TransformType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<FilterTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
