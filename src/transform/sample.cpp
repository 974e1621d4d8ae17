#include "transform/sample.h"

#include <xxhash.h>

#include <cmath>

#include "format/event_codec.h"
#include "transform/event_key.h"

namespace sluice::transform {
namespace {

class SampleTransform final : public Transform {
 public:
  explicit SampleTransform(const BuildContext& ctx)
      : key_(ctx.options().get_paths("key_fields")),
        seed_(static_cast<uint64_t>(ctx.options().get_int("seed"))),
        stats_(ctx.stats) {
    const double rate = ctx.options().get_float("rate");
    // Kept when the 64-bit hash is below rate × 2^64 (rate 1 keeps everything).
    threshold_ = rate >= 1.0 ? UINT64_MAX : static_cast<uint64_t>(std::ldexp(rate, 64));
    keep_all_ = rate >= 1.0;
  }

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& kept = out.main();
    for (const Event& event : in.events) {
      if (keep_all_ || hash(event) < threshold_) kept.events.push_back(event);
    }
    stats_.add_in(in.size());
    stats_.add_out(kept.size());
  }

 private:
  uint64_t hash(const Event& event) {
    if (!key_.fields().empty()) {
      const std::string_view key = key_.of(event.fields);
      return XXH3_64bits_withSeed(key.data(), key.size(), seed_);
    }
    whole_.clear();
    format::encode_value(event.fields, &whole_);
    return XXH3_64bits_withSeed(whole_.data(), whole_.size(), seed_);
  }

  EventKey key_;
  uint64_t seed_;
  uint64_t threshold_ = 0;
  bool keep_all_ = false;
  observe::ComponentStats& stats_;
  std::string whole_;
};

}  // namespace

TransformType sample_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "sample";
  spec.summary = "Keeps a fraction of events, chosen by a hash: deterministic, and related events together.";
  spec.options = {
      OptionSpec::required_option("rate", OptionType::kFloat, "Fraction of events to keep, 0 to 1, e.g. 0.05.")
          .between(0, 1),
      OptionSpec::optional("key_fields", OptionType::kPathList, "",
                           "Fields whose values decide (all events of one trace id together); none: the whole event."),
      OptionSpec::optional("seed", OptionType::kInt, "0", "Hash seed: another seed keeps another sample."),
  };
  return TransformType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<SampleTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
