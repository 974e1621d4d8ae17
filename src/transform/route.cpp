#include "transform/route.h"

#include <algorithm>

namespace sluice::transform {
namespace {

constexpr const char* kUnmatched = "_unmatched";

class RouteTransform final : public Transform {
 public:
  explicit RouteTransform(const BuildContext& ctx)
      : routes_(ctx.options().get_condition_map("routes")),
        first_match_(ctx.options().get_bool("first_match")),
        stats_(ctx.stats) {}

  // Ports: 0 the default (unused), 1..n the routes, n + 1 _unmatched, then dead_letter.
  // Conditions are all evaluated before the event goes anywhere, so an event whose
  // condition fails is only dead-lettered, never half routed.
  void process(const Batch& in, TransformOutputs& out) override {
    const size_t unmatched = routes_.size() + 1;
    uint64_t routed = 0;
    verdicts_.resize(routes_.size());
    for (const Event& event : in.events) {
      bool failed = false, matched = false;
      for (size_t r = 0; r < routes_.size(); ++r) {
        verdicts_[r] = routes_[r].second->test(event.fields, out.main().arena(), &error_);
        if (verdicts_[r] < 0) {
          out.dead_letter(event, "route \"" + routes_[r].first + "\": " + error_);
          failed = true;
          break;
        }
        if (verdicts_[r] == 1 && first_match_) {
          std::fill(verdicts_.begin() + static_cast<std::ptrdiff_t>(r) + 1, verdicts_.end(), 0);
          break;
        }
      }
      if (failed) continue;
      for (size_t r = 0; r < routes_.size(); ++r) {
        if (verdicts_[r] != 1) continue;
        out.port(r + 1).events.push_back(event);
        ++routed;
        matched = true;
      }
      if (!matched) {
        out.port(unmatched).events.push_back(event);
        ++routed;
      }
    }
    stats_.add_in(in.size());
    stats_.add_out(routed);
  }

 private:
  std::vector<std::pair<std::string, ExpressionPtr>> routes_;
  bool first_match_;
  observe::ComponentStats& stats_;
  std::string error_;
  std::vector<int> verdicts_;
};

}  // namespace

TransformType route_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "route";
  spec.summary = "Sends each event to the named outputs whose condition it meets; the rest to _unmatched.";
  spec.options = {
      OptionSpec::required_option("routes", OptionType::kConditionMap,
                                  "Output name → condition, e.g. `errors: .status >= 500`; read as <name>.<route>."),
      OptionSpec::optional("first_match", OptionType::kBool, "false",
                           "Send an event only to the first route it meets, in the order written."),
  };
  spec.named_outputs = [](const OptionValues& o) {
    std::vector<std::string> names;
    for (const auto& [name, condition] : o.get_condition_map("routes")) names.push_back(name);
    names.push_back(kUnmatched);
    return names;
  };
  spec.check = [](const OptionValues& o) -> std::string {
    for (const auto& [name, condition] : o.get_condition_map("routes")) {
      if (name == kUnmatched || name == "dead_letter") return "route name \"" + name + "\" is taken by an output of route";
    }
    return "";
  };
  return TransformType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<RouteTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
