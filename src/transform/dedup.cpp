#include "transform/dedup.h"

#include <xxhash.h>

#include <deque>
#include <unordered_map>

#include "core/byte_codec.h"
#include "format/event_codec.h"
#include "transform/event_key.h"

namespace sluice::transform {
namespace {

constexpr uint64_t kStateVersion = 1;

// 128 bits of XXH3: two different keys look alike with a chance of about n² / 2^129.
struct KeyHash {
  uint64_t low, high;
  bool operator==(const KeyHash&) const = default;
};
struct KeyHashHasher {
  size_t operator()(const KeyHash& k) const { return static_cast<size_t>(k.low); }
};

class DedupTransform final : public Transform {
 public:
  explicit DedupTransform(const BuildContext& ctx)
      : key_(ctx.options().get_paths("key_fields")),
        window_us_(ctx.options().get_int("window")),
        max_keys_(static_cast<size_t>(ctx.options().get_int("max_keys"))),
        stats_(ctx.stats) {}

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& kept = out.main();
    for (const Event& event : in.events) {
      newest_us_ = std::max(newest_us_, event.time_us);
      expire();
      const KeyHash key = hash(event);
      auto [it, inserted] = seen_.try_emplace(key, event.time_us);
      if (!inserted) {
        if (event.time_us - it->second <= window_us_ && event.time_us >= it->second - window_us_) {
          continue;  // a repeat within the window: dropped, counted as in − out
        }
        it->second = event.time_us;  // seen before, but long ago: a new first sighting
      }
      order_.push_back({event.time_us, key});
      if (seen_.size() > max_keys_) evict_oldest();
      kept.events.push_back(event);
    }
    stats_.add_in(in.size());
    stats_.add_out(kept.size());
    stats_.set_state_entries(seen_.size());
  }

  std::vector<FieldPath> state_key() const override { return key_.fields(); }
  uint64_t state_entries() const override { return seen_.size(); }

  void save_state(std::string* out) const override {
    ByteWriter w(out);
    w.u64(kStateVersion);
    w.bytes(shape());
    w.i64(newest_us_);
    w.u64(order_.size());
    for (const Entry& e : order_) {
      w.i64(e.time_us);
      w.u64(e.key.low);
      w.u64(e.key.high);
    }
  }

  Status load_state(std::string_view bytes) override {
    ByteReader r(bytes);
    if (r.u64() != kStateVersion) return Status::corruption("dedup state: unknown version");
    if (r.bytes() != shape()) return Status::invalid("dedup state was saved with other key fields or window");
    seen_.clear();
    order_.clear();
    newest_us_ = r.i64();
    const uint64_t n = r.count(3);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      Entry e;
      e.time_us = r.i64();
      e.key.low = r.u64();
      e.key.high = r.u64();
      order_.push_back(e);
      seen_[e.key] = e.time_us;  // later entries of a key are its newer sightings
    }
    if (!r.ok() || !r.at_end()) return Status::corruption("dedup state: truncated");
    stats_.set_state_entries(seen_.size());
    return Status::ok();
  }

 private:
  struct Entry {
    int64_t time_us;
    KeyHash key;
  };

  std::string shape() const {
    std::string s = "window=" + std::to_string(window_us_);
    for (const FieldPath& p : key_.fields()) s += "|k" + p.to_string();
    return s;
  }

  KeyHash hash(const Event& event) {
    std::string_view bytes;
    if (!key_.fields().empty()) {
      bytes = key_.of(event.fields);
    } else {
      whole_.clear();
      format::encode_value(event.fields, &whole_);
      bytes = whole_;
    }
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    return {h.low64, h.high64};
  }

  // Sightings older than the window behind the newest event time can repeat freely.
  void expire() {
    while (!order_.empty() && order_.front().time_us < newest_us_ - window_us_) evict_oldest();
  }

  void evict_oldest() {
    const Entry e = order_.front();
    order_.pop_front();
    auto it = seen_.find(e.key);
    // Only if this entry is the key's newest sighting (a later one may have replaced it).
    if (it != seen_.end() && it->second == e.time_us) seen_.erase(it);
  }

  EventKey key_;
  int64_t window_us_;
  size_t max_keys_;
  observe::ComponentStats& stats_;
  int64_t newest_us_ = INT64_MIN / 2;
  std::unordered_map<KeyHash, int64_t, KeyHashHasher> seen_;  // key → time of its first sighting
  std::deque<Entry> order_;                                    // sightings in arrival order
  std::string whole_;
};

}  // namespace

TransformType dedup_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "dedup";
  spec.summary = "Drops events whose key was already seen within a window of event time; bounded memory.";
  spec.options = {
      OptionSpec::optional("key_fields", OptionType::kPathList, "",
                           "Fields that identify an event (e.g. [event_id]); none: the whole event."),
      OptionSpec::optional("window", OptionType::kDuration, "10m",
                           "A repeat this close in event time to the first sighting is dropped.")
          .at_least(1),
      OptionSpec::optional("max_keys", OptionType::kInt, "1000000",
                           "Keys remembered at most; past it the oldest are forgotten (their repeats pass).")
          .at_least(1),
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<DedupTransform>(ctx));
                       },
                       /*stateful=*/true, /*passes_positions=*/true};
}

}  // namespace sluice::transform
