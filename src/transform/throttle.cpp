#include "transform/throttle.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "core/byte_codec.h"
#include "transform/event_key.h"

namespace sluice::transform {
namespace {

constexpr uint64_t kStateVersion = 1;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

class ThrottleTransform final : public Transform {
 public:
  explicit ThrottleTransform(const BuildContext& ctx)
      : key_(ctx.options().get_paths("key_fields")),
        limit_(static_cast<uint64_t>(ctx.options().get_int("limit"))),
        window_us_(ctx.options().get_int("window")),
        max_keys_(static_cast<size_t>(ctx.options().get_int("max_keys"))),
        name_(ctx.name()),
        stats_(ctx.stats) {}

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& kept = out.main();
    for (const Event& event : in.events) {
      const int64_t bucket = floor_div(event.time_us, window_us_);
      if (bucket > current_) advance(bucket);
      if (bucket < current_ - 1) {
        kept.events.push_back(event);  // older than the buckets kept: not counted, passes
        continue;
      }
      auto& counts = bucket == current_ ? now_ : before_;
      const std::string_view key = key_.of(event.fields);
      auto it = counts.find(key);
      if (it == counts.end()) {
        if (counts.size() >= max_keys_) {
          // Full: a new key passes uncounted rather than growing without bound.
          if (!warned_full_) {
            spdlog::warn("throttle \"{}\": {} keys in one window, more pass unthrottled (raise max_keys)", name_,
                         max_keys_);
            warned_full_ = true;
          }
          kept.events.push_back(event);
          continue;
        }
        it = counts.emplace(std::string(key), 0).first;
      }
      if (it->second >= limit_) continue;  // over the limit: dropped, counted as in − out
      ++it->second;
      kept.events.push_back(event);
    }
    stats_.add_in(in.size());
    stats_.add_out(kept.size());
    stats_.set_state_entries(now_.size() + before_.size());
  }

  std::vector<FieldPath> state_key() const override { return key_.fields(); }
  uint64_t state_entries() const override { return now_.size() + before_.size(); }

  void save_state(std::string* out) const override {
    ByteWriter w(out);
    w.u64(kStateVersion);
    w.bytes(shape());
    w.i64(current_);
    for (const auto* counts : {&before_, &now_}) {
      w.u64(counts->size());
      for (const auto& [key, n] : *counts) {
        w.bytes(key);
        w.u64(n);
      }
    }
  }

  Status load_state(std::string_view bytes) override {
    ByteReader r(bytes);
    if (r.u64() != kStateVersion) return Status::corruption("throttle state: unknown version");
    if (r.bytes() != shape()) return Status::invalid("throttle state was saved with other key fields, limit or window");
    current_ = r.i64();
    for (auto* counts : {&before_, &now_}) {
      counts->clear();
      const uint64_t n = r.count(2);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        std::string key(r.bytes());
        (*counts)[std::move(key)] = r.u64();
      }
    }
    if (!r.ok() || !r.at_end()) return Status::corruption("throttle state: truncated");
    return Status::ok();
  }

 private:
  // Transparent lookup: find() by string_view without building a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Counts = std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>>;

  std::string shape() const {
    std::string s = "limit=" + std::to_string(limit_) + "|window=" + std::to_string(window_us_);
    for (const FieldPath& p : key_.fields()) s += "|k" + p.to_string();
    return s;
  }

  // A later window began: the counts of the window before stay for late events.
  void advance(int64_t bucket) {
    if (bucket == current_ + 1) {
      before_.swap(now_);
    } else {
      before_.clear();
    }
    now_.clear();
    current_ = bucket;
    warned_full_ = false;
  }

  EventKey key_;
  uint64_t limit_;
  int64_t window_us_;
  size_t max_keys_;
  std::string name_;
  observe::ComponentStats& stats_;
  int64_t current_ = INT64_MIN / 2;  // the newest window seen (event time / window)
  Counts now_, before_;              // events passed per key in the newest window and the one before
  bool warned_full_ = false;
};

}  // namespace

TransformType throttle_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "throttle";
  spec.summary = "Lets at most `limit` events per key through in each window of event time; drops the rest.";
  spec.options = {
      OptionSpec::required_option("limit", OptionType::kInt, "Events per key and window that pass.").at_least(1),
      OptionSpec::optional("window", OptionType::kDuration, "1m",
                           "Windows of event time, aligned to the epoch, in which the limit counts.")
          .at_least(1),
      OptionSpec::optional("key_fields", OptionType::kPathList, "",
                           "Fields whose values key the limit (e.g. [user_id]); none: one limit for all."),
      OptionSpec::optional("max_keys", OptionType::kInt, "1000000",
                           "Keys counted per window at most; past it new keys pass unthrottled (and it is logged).")
          .at_least(1),
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<ThrottleTransform>(ctx));
                       },
                       /*stateful=*/true, /*passes_positions=*/true};
}

}  // namespace sluice::transform
