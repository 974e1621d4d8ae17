#include "source/generator.h"

#include <algorithm>
#include <chrono>

#include "core/time.h"
#include "source/traffic_model.h"

namespace sluice::source {

namespace {

class GeneratorSource final : public Source {
 public:
  GeneratorSource(const BuildContext& ctx) : stats_(ctx.stats) {
    const OptionValues& o = ctx.options();
    rate_ = o.get_float("rate");
    count_ = static_cast<uint64_t>(o.get_int("count"));
    duration_us_ = o.get_int("duration");
    // Below ten batches a second a full batch would arrive in lumps; shrink it.
    batch_size_ = static_cast<size_t>(o.get_int("batch_size"));
    if (rate_ > 0) batch_size_ = std::clamp<size_t>(static_cast<size_t>(rate_ / 10), 1, batch_size_);
    TrafficOptions traffic;
    traffic.seed = static_cast<uint64_t>(o.get_int("seed"));
    traffic.start_time_us = o.has("start_time") ? o.get_int("start_time") : now_us();
    traffic.interval_us = o.has("interval") ? o.get_int("interval")
                          : rate_ > 0       ? std::max<int64_t>(1, static_cast<int64_t>(1e6 / rate_))
                                            : 1000;
    traffic.anomaly_interval_us = o.get_int("anomaly_interval");
    traffic.label_anomalies = o.get_bool("label_anomalies");
    model_ = std::make_unique<TrafficModel>(traffic);
    name_ = ctx.name();
  }

  Status run(SourceContext& ctx) override {
    const int64_t start = steady_now_us();
    uint64_t produced = 0;
    while (!ctx.stopping()) {
      if (count_ != 0 && produced >= count_) break;
      if (duration_us_ != 0 && steady_now_us() - start >= duration_us_) break;
      size_t n = batch_size_;
      if (count_ != 0) n = static_cast<size_t>(std::min<uint64_t>(n, count_ - produced));
      if (rate_ > 0) {
        // Absolute deadlines: the schedule does not drift however long a batch took.
        int64_t due = start + static_cast<int64_t>(static_cast<double>(produced) * 1e6 / rate_);
        if (!ctx.sleep_until_us(due)) break;
      }
      Batch batch;
      batch.origin.source = name_;
      batch.events.reserve(n);
      for (size_t i = 0; i < n; ++i) batch.events.push_back(model_->next(batch.arena()));
      produced += n;
      // Counted only once handed over: a batch refused at shutdown never left.
      if (Status s = ctx.emit(batch); !s.is_ok()) return ctx.stopping() ? Status::ok() : s;
      stats_.add_in(n);
      stats_.add_out(n);
      stats_.add_batch();
    }
    return Status::ok();
  }

 private:
  observe::ComponentStats& stats_;
  std::string name_;
  double rate_ = 0;
  uint64_t count_ = 0;
  int64_t duration_us_ = 0;
  size_t batch_size_ = 500;
  std::unique_ptr<TrafficModel> model_;
};

}  // namespace

SourceType generator_source_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSource;
  spec.type = "generator";
  spec.summary = "Synthetic traffic of a fleet of microservices, with PII-looking fields and injected anomalies.";
  spec.options = {
      OptionSpec::optional("rate", OptionType::kFloat, "1000", "Events per second; 0 means as fast as possible.")
          .at_least(0),
      OptionSpec::optional("count", OptionType::kInt, "0", "Stop after this many events; 0 means no limit.").at_least(0),
      OptionSpec::optional("duration", OptionType::kDuration, "0s", "Stop after this long; 0s means no limit.")
          .at_least(0),
      OptionSpec::optional("batch_size", OptionType::kInt, "500", "Events per batch (smaller at low rates).")
          .between(1, 1000000),
      OptionSpec::optional("seed", OptionType::kInt, "1",
                           "Random seed; the same seed and start_time give the same events."),
      OptionSpec::optional("start_time", OptionType::kTimestamp, "",
                           "Event time of the first event (RFC 3339); default: now."),
      OptionSpec::optional("interval", OptionType::kDuration, "",
                           "Event time between consecutive events; default: 1/rate, or 1ms when rate is 0.")
          .at_least(0),
      OptionSpec::optional("anomaly_interval", OptionType::kDuration, "15m",
                           "Mean event time between anomaly episodes (a 2-5 minute error burst or latency spike of "
                           "one service); 0s: none.")
          .at_least(0),
      OptionSpec::optional("label_anomalies", OptionType::kBool, "false",
                           "Add an \"anomaly\" field naming the episode an event belongs to (for scoring detectors)."),
  };
  return SourceType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Source>> {
                      return std::unique_ptr<Source>(std::make_unique<GeneratorSource>(ctx));
                    }};
}

}  // namespace sluice::source
