#include "source/topic.h"

namespace sluice::source {
namespace {

class TopicSource final : public Source {
 public:
  explicit TopicSource(const BuildContext& ctx) : follow_(ctx.options().get_bool("follow")) {}

  // The pipeline's reader does the reading; the source only decides how long it lives.
  Status run(SourceContext& ctx) override {
    if (!follow_) return Status::ok();
    while (ctx.sleep_until_us(steady_now_us() + 1'000'000)) {
    }
    return Status::ok();
  }

 private:
  bool follow_;
};

}  // namespace

SourceType topic_source_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSource;
  spec.type = "topic";
  spec.summary =
      "Reads a log topic filled by something else (sluice replay, another pipeline); appends "
      "nothing.";
  spec.options = {
      OptionSpec::optional(
          "follow", OptionType::kBool, "false",
          "Keep reading new records until stopped; false: stop at the topic's end."),
  };
  return SourceType{std::move(spec),
                    [](const BuildContext& ctx) -> Result<std::unique_ptr<Source>> {
                      return std::unique_ptr<Source>(std::make_unique<TopicSource>(ctx));
                    }};
}

}  // namespace sluice::source
