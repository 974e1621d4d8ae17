#include "transform/anomaly/anomaly.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <unordered_map>

#include "core/byte_codec.h"
#include "core/field_names.h"
#include "core/time.h"
#include "core/units.h"
#include "format/json_writer.h"
#include "transform/anomaly/detectors.h"
#include "transform/event_key.h"

namespace sluice::transform {
namespace {

using anomaly::DetectorOptions;
using anomaly::Method;
using anomaly::SeriesModel;

constexpr uint64_t kStateVersion = 1;

Method method_named(const std::string& name) {
  if (name == "mad") return Method::kMad;
  if (name == "seasonal") return Method::kSeasonal;
  return Method::kEwmaZscore;
}

// The metric's name in anomaly events: the field name when the value is a field.
std::string metric_name(const OptionValues& o) {
  if (!o.get_string("metric").empty()) return o.get_string("metric");
  std::string text = o.get_expression("value")->text();
  if (!text.empty() && text[0] == '.') text.erase(0, 1);
  return text;
}

class AnomalyTransform final : public Transform {
 public:
  explicit AnomalyTransform(const BuildContext& ctx)
      : value_(ctx.options().get_expression("value")),
        metric_(metric_name(ctx.options())),
        series_(ctx.options().get_paths("series")),
        threshold_(ctx.options().get_float("threshold")),
        direction_(ctx.options().get_string("direction")),
        max_series_(static_cast<size_t>(ctx.options().get_int("max_series"))),
        name_(ctx.name()),
        stats_(ctx.stats) {
    const OptionValues& o = ctx.options();
    options_.method = method_named(o.get_string("method"));
    options_.alpha = o.get_float("alpha");
    options_.beta = o.get_float("beta");
    options_.gamma = o.get_float("gamma");
    options_.window = static_cast<size_t>(o.get_int("window"));
    options_.season_us = o.get_int("season");
    options_.interval_us = o.get_int("interval");
    options_.warmup = static_cast<size_t>(o.get_int("warmup"));
    options_.min_relative_std = o.get_float("min_relative_std");
  }

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& anomalies = out.main();
    Arena& arena = anomalies.arena();
    for (const Event& event : in.events) {
      Value v;
      if (!value_->evaluate(event.fields, arena, &v, &error_)) {
        out.dead_letter(event, "value: " + error_);
        continue;
      }
      if (!v.is_number()) {
        out.dead_letter(
            event, "value: " + std::string(v.is_null() ? "no value"
                                                       : "not a number: " + format::to_json(v)));
        continue;
      }
      const double x = v.as_number();
      if (!std::isfinite(x)) {
        out.dead_letter(event, "value: not finite");
        continue;
      }
      Series* series = series_for(event.fields);
      if (series == nullptr) continue;  // over max_series: counted as in − out, warned once
      const anomaly::Score s = series->model->score(x, event.time_us);
      const bool flagged = s.ready && beyond(s.score);
      series->model->observe(x, event.time_us, flagged);
      note(*series, x, s, flagged);
      if (flagged) anomalies.events.push_back(anomaly_event(event, *series, x, s, arena));
    }
    stats_.add_in(in.size());
    stats_.add_out(anomalies.size());
    stats_.set_state_entries(series_map_.size());
  }

  std::vector<FieldPath> state_key() const override { return series_.fields(); }
  uint64_t state_entries() const override { return series_map_.size(); }

  void save_state(std::string* out) const override {
    ByteWriter w(out);
    w.u64(kStateVersion);
    w.bytes(shape());
    w.u64(series_map_.size());
    for (const auto& [key, series] : series_map_) {
      w.bytes(key);
      series.model->save(w);
    }
  }

  Status load_state(std::string_view bytes) override {
    ByteReader r(bytes);
    if (r.u64() != kStateVersion) return Status::corruption("anomaly state: unknown version");
    if (r.bytes() != shape()) {
      return Status::invalid(
          "anomaly state was saved by another definition (value, series, method or its "
          "parameters)");
    }
    series_map_.clear();
    const uint64_t n = r.count(2);
    for (uint64_t i = 0; i < n && r.ok(); ++i) {
      const std::string key(r.bytes());
      Series& series = series_map_[key];
      series.model = anomaly::make_series_model(options_);
      if (!series.model->load(r))
        return Status::corruption("anomaly state: a series does not load");
    }
    if (!r.ok() || !r.at_end()) return Status::corruption("anomaly state: truncated");
    return Status::ok();
  }

 private:
  struct Series {
    std::unique_ptr<SeriesModel> model;
    std::string label;  // "service=auth" for events and notes
    int64_t noted_us = INT64_MIN / 2;
  };

  std::string shape() const {
    return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", value_->text(),
                       anomaly::method_name(options_.method), options_.alpha, options_.beta,
                       options_.gamma, options_.window, options_.season_us, options_.interval_us,
                       options_.warmup, [&] {
                         std::string s;
                         for (const FieldPath& p : series_.fields()) s += p.to_string() + ",";
                         return s;
                       }());
  }

  bool beyond(double score) const {
    if (direction_ == "up") return score >= threshold_;
    if (direction_ == "down") return score <= -threshold_;
    return std::abs(score) >= threshold_;
  }

  Series* series_for(const Value& fields) {
    const std::string_view key = series_.of(fields);
    auto it = series_map_.find(std::string(key));
    if (it != series_map_.end()) {
      if (it->second.label.empty())
        it->second.label = label_of(fields);  // restored from a checkpoint
      return &it->second;
    }
    if (series_map_.size() >= max_series_) {
      if (!warned_full_) {
        spdlog::warn("anomaly \"{}\": {} series, more are not scored (raise max_series)", name_,
                     max_series_);
        warned_full_ = true;
      }
      return nullptr;
    }
    Series& series = series_map_[std::string(key)];
    series.model = anomaly::make_series_model(options_);
    series.label = label_of(fields);
    return &series;
  }

  std::string label_of(const Value& fields) const {
    std::string label;
    for (const FieldPath& p : series_.fields()) {
      const Value* v = lookup(fields, p);
      std::string text = p.to_string().substr(1) + "=";
      if (v && v->is_string())
        text += v->as_string();
      else
        text += v ? format::to_json(*v) : "null";
      label += (label.empty() ? "" : ",") + text;
    }
    return label.empty() ? "all" : label;
  }

  static const char* severity(double score, double threshold) {
    return std::abs(score) >= 2 * threshold ? "critical" : "warning";
  }

  // {ts, metric, series, <series fields>, value, expected, score, method, severity}
  Event anomaly_event(const Event& in, const Series& series, double x, const anomaly::Score& s,
                      Arena& arena) {
    static const FieldId kTs = FieldNames::intern("ts"), kMetric = FieldNames::intern("metric"),
                         kSeries = FieldNames::intern("series"),
                         kValue = FieldNames::intern("value"),
                         kExpected = FieldNames::intern("expected"),
                         kScore = FieldNames::intern("score"),
                         kMethod = FieldNames::intern("method"),
                         kSeverity = FieldNames::intern("severity");
    ObjectBuilder b(arena, 8 + static_cast<uint32_t>(series_.fields().size()));
    b.append_unique(kTs, Value::timestamp(in.time_us));
    b.append_unique(kMetric, Value::string(arena.copy_string(metric_)));
    b.append_unique(kSeries, Value::string(arena.copy_string(series.label)));
    for (const FieldPath& p : series_.fields()) {
      const Value* v = lookup(in.fields, p);
      if (v != nullptr && p.segments().size() == 1 && !p.segments()[0].is_index)
        b.set(p.segments()[0].field, *v);
    }
    b.set(kValue, Value::floating(x));
    b.set(kExpected, Value::floating(std::round(s.expected * 1e6) / 1e6));
    b.set(kScore, Value::floating(std::round(s.score * 100) / 100));
    b.set(kMethod, Value::string(anomaly::method_name(options_.method)));
    b.set(kSeverity, Value::string(severity(s.score, threshold_)));
    return Event{b.finish(), in.time_us, in.offset};
  }

  // The console shows each series' latest point and whether it was an anomaly:
  // refreshed at most twice a second per series (formatting costs more than scoring).
  void note(Series& series, double x, const anomaly::Score& s, bool flagged) {
    const int64_t now = steady_now_us();
    if (!flagged && now - series.noted_us < 500'000) return;
    series.noted_us = now;
    std::string line = s.ready
                           ? fmt::format("{} {:.4g} (expected {:.4g}, score {:+.1f}){}", metric_, x,
                                         s.expected, s.score, flagged ? "  ANOMALY" : "")
                           : fmt::format("{} {:.4g} (warming up)", metric_, x);
    stats_.notes.set(series.label, std::move(line));
    if (flagged) {
      spdlog::warn("anomaly \"{}\": {} {} {:.4g}, expected {:.4g} (score {:+.1f}, {})", name_,
                   series.label, metric_, x, s.expected, s.score, severity(s.score, threshold_));
    }
  }

  ExpressionPtr value_;
  std::string metric_;
  EventKey series_;
  double threshold_;
  std::string direction_;
  size_t max_series_;
  std::string name_;
  observe::ComponentStats& stats_;
  DetectorOptions options_;
  std::unordered_map<std::string, Series> series_map_;
  bool warned_full_ = false;
  std::string error_;
};

std::string check_anomaly_options(const OptionValues& o) {
  if (o.get_string("method") == "seasonal" && o.get_int("season") < 2 * o.get_int("interval")) {
    return "a season needs at least two intervals (season " +
           format_duration_us(o.get_int("season")) + ", interval " +
           format_duration_us(o.get_int("interval")) + ")";
  }
  if (o.get_string("method") == "seasonal" &&
      o.get_int("season") / o.get_int("interval") > 100'000) {
    return "season / interval is over 100000 slots per series; use a longer interval";
  }
  return "";
}

}  // namespace

TransformType anomaly_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "anomaly";
  spec.summary = "Scores a numeric value per series online and emits an event for each anomaly.";
  spec.options = {
      OptionSpec::required_option("value", OptionType::kExpression,
                                  "The number to watch, e.g. .p99_latency_ms."),
      OptionSpec::optional(
          "series", OptionType::kPathList, "",
          "Fields that name a series (one model each), e.g. [service]; none: one series."),
      OptionSpec::optional(
          "method", OptionType::kEnum, "ewma_zscore",
          "ewma_zscore (EWMA mean and variance), mad (rolling median absolute deviation) or "
          "seasonal (additive Holt-Winters against the same time a season ago).")
          .one_of({"ewma_zscore", "mad", "seasonal"}),
      OptionSpec::optional("threshold", OptionType::kFloat, "5",
                           "Score from which a point is an anomaly (critical from twice that).")
          .at_least(0),
      OptionSpec::optional("direction", OptionType::kEnum, "both",
                           "Which deviations count: up (higher than expected), down, or both.")
          .one_of({"up", "down", "both"}),
      OptionSpec::optional("metric", OptionType::kString, "",
                           "Name of the value in anomaly events; default: the field."),
      OptionSpec::optional("warmup", OptionType::kInt, "10",
                           "Points a series takes in before it is scored.")
          .at_least(1),
      OptionSpec::optional("alpha", OptionType::kFloat, "0.1",
                           "ewma_zscore: weight of a new point; seasonal: of the level.")
          .between(0.0001, 1),
      OptionSpec::optional("window", OptionType::kInt, "30", "mad: points in the rolling window.")
          .at_least(3),
      OptionSpec::optional("season", OptionType::kDuration, "1d",
                           "seasonal: the period that repeats.")
          .at_least(1),
      OptionSpec::optional("interval", OptionType::kDuration, "1m",
                           "seasonal: spacing of the points (a window's size).")
          .at_least(1),
      OptionSpec::optional("beta", OptionType::kFloat, "0.01", "seasonal: weight of the trend.")
          .between(0, 1),
      OptionSpec::optional("gamma", OptionType::kFloat, "0.2",
                           "seasonal: weight of the seasonal terms.")
          .between(0, 1),
      OptionSpec::optional(
          "min_relative_std", OptionType::kFloat, "0.01",
          "The spread never counts as less than this fraction of the expected value.")
          .at_least(0),
      OptionSpec::optional(
          "max_series", OptionType::kInt, "100000",
          "Series modelled at most; past it new series are not scored (and it is logged).")
          .at_least(1),
  };
  spec.check = check_anomaly_options;
  // An anomaly event is new: its series fields and the value (and what was expected of it).
  spec.field_flow = [](const OptionValues& o, const std::string&, FieldFlow& flow) {
    flow.start_new_event();
    std::vector<FieldPath> series =
        o.has("series") ? o.get_paths("series") : std::vector<FieldPath>{};
    for (const FieldPath& s : series) flow.derive(s, {s}, "the series field " + s.to_string());
    flow.derive(FieldPath::of_field(FieldNames::intern("series")), series, "the series' name");
    const ExpressionPtr& value = o.get_expression("value");
    if (!value) return;
    for (const char* field : {"value", "expected"}) {
      flow.derive(FieldPath::of_field(FieldNames::intern(field)), value->referenced_paths(),
                  value->text());
    }
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<AnomalyTransform>(ctx));
                       },
                       /*stateful=*/true, /*passes_positions=*/true};
}

}  // namespace sluice::transform
