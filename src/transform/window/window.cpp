#include "transform/window/window.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <unordered_map>

#include "core/field_path.h"
#include "core/time.h"
#include "format/event_codec.h"
#include "format/json_writer.h"
#include "transform/event_key.h"
#include "transform/window/aggregates.h"
#include "transform/window/watermark.h"

namespace sluice::transform {
namespace {

constexpr uint64_t kStateVersion = 1;
// emit_until() bound meaning "every window": the input ended.
constexpr int64_t kEverything = std::numeric_limits<int64_t>::max();

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t floor_to(int64_t t, int64_t step) {
  return floor_div(t, step) * step;
}

enum class EmitKind { kFinal, kUpdate, kEvicted };

const char* emit_name(EmitKind kind) {
  switch (kind) {
    case EmitKind::kFinal:
      return "final";
    case EmitKind::kUpdate:
      return "update";
    case EmitKind::kEvicted:
      return "evicted";
  }
  return "final";
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using Accumulators = std::unique_ptr<Accumulator[]>;

struct Session {
  int64_t start_us;
  int64_t end_us;  // last event + gap
  Accumulators acc;
};

struct KeyState {
  std::map<int64_t, Accumulators> panes;  // by pane start (tumbling, hopping)
  std::vector<Session> sessions;          // by start, disjoint (session)
  // The pane the previous event of this key went to: consecutive events of a key
  // usually share one, which saves the map lookup.
  int64_t cached_pane_start = WatermarkTracker::kNone;
  Accumulator* cached_pane = nullptr;
};

class WindowTransform final : public Transform {
 public:
  explicit WindowTransform(const BuildContext& ctx)
      : aggregates_(ctx.options().get_aggregates("aggregates")),
        key_fields_(ctx.options().get_paths("key_fields")),
        session_(ctx.options().get_string("window") == "session"),
        size_us_(ctx.options().get_int("size")),
        slide_us_(ctx.options().get_string("window") == "hopping" ? ctx.options().get_int("slide")
                                                                  : size_us_),
        gap_us_(ctx.options().get_int("gap")),
        pane_us_(session_ ? 0 : std::gcd(size_us_, slide_us_)),
        early_updates_us_(ctx.options().get_int("early_updates")),
        max_open_windows_(static_cast<uint64_t>(ctx.options().get_int("max_open_windows"))),
        watermark_(ctx.options().get_int("allowed_lateness"),
                   ctx.options().get_int("idle_timeout")),
        stats_(ctx.stats) {
    static const FieldId kStart = FieldNames::intern("window_start");
    static const FieldId kEnd = FieldNames::intern("window_end");
    static const FieldId kEmit = FieldNames::intern("window_emit");
    const int64_t now = steady_now_us();
    for (const auto& [source, partition] : ctx.input_partitions)
      watermark_.declare(source, partition, now);
    start_field_ = kStart;
    end_field_ = kEnd;
    emit_field_ = kEmit;
  }

  std::vector<FieldPath> state_key() const override { return key_fields_; }
  uint64_t state_entries() const override { return open_windows_; }

  void process(const Batch& in, TransformOutputs& out) override {
    const int64_t now = steady_now_us();
    watermark_.begin_batch(in.origin.source, in.origin.partition, now);
    Arena& arena = out.main().arena();
    Batch& late = out.port(1);
    for (const Event& event : in.events) {
      const int64_t wm = std::max(watermark_.observe(event.time_us), forced_us_);
      if (last_end_containing(event.time_us) <= wm) {
        late.events.push_back(event);
        continue;
      }
      if (!aggregates_.evaluate(event.fields, arena, args_, &error_)) {
        out.dead_letter(event, error_);
        continue;
      }
      KeyState& key = key_state(event.fields);
      if (session_) {
        add_to_session(key, event.time_us);
      } else {
        Accumulator* acc = pane_for(key, floor_to(event.time_us, pane_us_));
        aggregates_.apply(args_, event.time_us, acc);
      }
      if (open_windows_ > max_open_windows_) evict(out);
    }
    stats_.add_in(in.size());
    stats_.add_late(late.size());
    emit_due(out);
    stats_.set_state_entries(open_windows_);
  }

  void on_tick(int64_t now_us, TransformOutputs& out) override {
    watermark_.refresh(now_us);
    emit_due(out);
    if (early_updates_us_ > 0 && now_us >= next_update_us_) {
      next_update_us_ = now_us + early_updates_us_;
      emit_updates(out);
    }
    stats_.set_state_entries(open_windows_);
  }

  void flush(TransformOutputs& out) override {
    // The input ended: every window is complete.
    emit_until(kEverything, EmitKind::kFinal, out);
    stats_.set_state_entries(open_windows_);
  }

  void save_state(std::string* out) const override {
    ByteWriter w(out);
    w.u64(kStateVersion);
    w.bytes(shape());
    watermark_.save(w);
    w.i64(emitted_until_us_);
    w.i64(forced_us_);
    w.u64(keys_.size());
    for (const auto& [key, state] : keys_) {
      w.bytes(key);
      if (session_) {
        w.u64(state.sessions.size());
        for (const Session& s : state.sessions) {
          w.i64(s.start_us);
          w.i64(s.end_us);
          aggregates_.save(w, s.acc.get());
        }
      } else {
        w.u64(state.panes.size());
        for (const auto& [start, acc] : state.panes) {
          w.i64(start);
          aggregates_.save(w, acc.get());
        }
      }
    }
  }

  Status load_state(std::string_view bytes) override {
    ByteReader r(bytes);
    if (r.u64() != kStateVersion) return Status::corruption("window state: unknown version");
    if (r.bytes() != shape()) {
      return Status::invalid(
          "window state was saved by a different window definition (kind, size, slide, gap, key "
          "fields or "
          "aggregates changed)");
    }
    keys_.clear();
    open_windows_ = 0;
    if (!watermark_.load(r, steady_now_us())) return Status::corruption("window state: truncated");
    emitted_until_us_ = r.i64();
    forced_us_ = r.i64();
    const uint64_t key_count = r.count(2);
    for (uint64_t k = 0; k < key_count && r.ok(); ++k) {
      KeyState& state = keys_[std::string(r.bytes())];
      const uint64_t n = r.count(2);
      for (uint64_t i = 0; i < n && r.ok(); ++i) {
        Accumulators acc(new Accumulator[aggregates_.size()]);
        if (session_) {
          const int64_t start = r.i64();
          const int64_t end = r.i64();
          if (!aggregates_.load(r, acc.get())) break;
          state.sessions.push_back(Session{start, end, std::move(acc)});
          next_due_us_ = std::min(next_due_us_, end);
        } else {
          const int64_t start = r.i64();
          if (!aggregates_.load(r, acc.get())) break;
          state.panes[start] = std::move(acc);
          next_due_us_ = std::min(next_due_us_, first_end_after(start));
        }
        ++open_windows_;
      }
    }
    if (!r.ok() || !r.at_end()) {
      keys_.clear();
      open_windows_ = 0;
      return Status::corruption("window state: truncated or corrupt");
    }
    stats_.set_state_entries(open_windows_);
    return Status::ok();
  }

 private:
  // What state depends on: a checkpoint of another shape is refused.
  std::string shape() const {
    std::string s = session_
                        ? "session:" + std::to_string(gap_us_)
                        : "panes:" + std::to_string(size_us_) + "/" + std::to_string(slide_us_);
    for (const FieldPath& p : key_fields_) s += "|k" + p.to_string();
    for (const AggregateCall& c : aggregates_.calls()) {
      s += std::string("|a") + aggregate_function_name(c.function) + "(" +
           (c.argument ? c.argument->text() : "") + ")";
    }
    return s;
  }

  // The end of the last window an event at `t` belongs to: at or before the
  // watermark, the event is late.
  int64_t last_end_containing(int64_t t) const {
    return session_ ? t + gap_us_ : last_end_of_pane(floor_to(t, pane_us_));
  }
  // The end of the last window that contains pane `pane_start`.
  int64_t last_end_of_pane(int64_t pane_start) const {
    return floor_to(pane_start + size_us_, slide_us_);
  }
  // The first window end after pane `start`.
  int64_t first_end_after(int64_t pane_start) const {
    return floor_to(pane_start, slide_us_) + slide_us_;
  }

  KeyState& key_state(const Value& fields) {
    const std::string_view key = key_.of(fields);
    auto it = keys_.find(key);
    if (it == keys_.end()) it = keys_.emplace(std::string(key), KeyState{}).first;
    return it->second;
  }

  Accumulator* pane_for(KeyState& key, int64_t pane_start) {
    if (key.cached_pane != nullptr && key.cached_pane_start == pane_start) return key.cached_pane;
    auto [it, inserted] = key.panes.try_emplace(pane_start);
    if (inserted) {
      it->second.reset(new Accumulator[aggregates_.size()]);
      ++open_windows_;
      next_due_us_ = std::min(next_due_us_, first_end_after(pane_start));
    }
    key.cached_pane_start = pane_start;
    key.cached_pane = it->second.get();
    return key.cached_pane;
  }

  void add_to_session(KeyState& key, int64_t t) {
    Session merged{t, t + gap_us_, Accumulators(new Accumulator[aggregates_.size()])};
    aggregates_.apply(args_, t, merged.acc.get());
    ++open_windows_;
    // Sessions touching [t, t + gap] fold into the new one; they are contiguous in the sorted list.
    auto first = std::lower_bound(key.sessions.begin(), key.sessions.end(), t,
                                  [](const Session& s, int64_t time) { return s.end_us < time; });
    auto last = first;
    while (last != key.sessions.end() && last->start_us <= merged.end_us) {
      merged.start_us = std::min(merged.start_us, last->start_us);
      merged.end_us = std::max(merged.end_us, last->end_us);
      aggregates_.merge(merged.acc.get(), last->acc.get());
      --open_windows_;
      ++last;
    }
    first = key.sessions.erase(first, last);
    next_due_us_ = std::min(next_due_us_, merged.end_us);
    key.sessions.insert(first, std::move(merged));
  }

  void emit_due(TransformOutputs& out) {
    const int64_t wm = std::max(watermark_.watermark(), forced_us_);
    if (wm >= next_due_us_) emit_until(wm, EmitKind::kFinal, out);
  }

  // A final emission of a window the watermark has not reached (forced by the state
  // bound, not by the end of the input) is an eviction.
  EmitKind kind_of(EmitKind kind, int64_t end_us, int64_t until) const {
    const bool forced = until != kEverything && end_us > watermark_.watermark();
    return kind == EmitKind::kFinal && forced ? EmitKind::kEvicted : kind;
  }

  // Emits every window ending in (emitted_until_us_, until] and drops the state no
  // later window needs.
  void emit_until(int64_t until, EmitKind kind, TransformOutputs& out) {
    int64_t next_due = std::numeric_limits<int64_t>::max();
    for (auto it = keys_.begin(); it != keys_.end();) {
      KeyState& state = it->second;
      if (session_) {
        auto s = state.sessions.begin();
        while (s != state.sessions.end() && s->end_us <= until) {
          emit_window(it->first, s->start_us, s->end_us, s->acc.get(),
                      kind_of(kind, s->end_us, until), out);
          ++s;
          --open_windows_;
        }
        state.sessions.erase(state.sessions.begin(), s);
        if (!state.sessions.empty()) next_due = std::min(next_due, state.sessions.front().end_us);
      } else {
        emit_pane_windows(it->first, state, until, kind, out);
        state.cached_pane = nullptr;
        if (!state.panes.empty()) {
          // Every window of what is left ends after `until` (so `until` < kEverything here).
          next_due = std::min(next_due, std::max(first_end_after(state.panes.begin()->first),
                                                 floor_to(until, slide_us_) + slide_us_));
        }
      }
      it = (state.panes.empty() && state.sessions.empty()) ? keys_.erase(it) : std::next(it);
    }
    emitted_until_us_ = std::max(emitted_until_us_, until);
    next_due_us_ = next_due;
  }

  void emit_pane_windows(const std::string& key, KeyState& state, int64_t until, EmitKind kind,
                         TransformOutputs& out) {
    collect_window_ends(state, emitted_until_us_, until);
    for (int64_t e : ends_) {
      emit_window(key, e - size_us_, e, window_accumulators(state, e), kind_of(kind, e, until),
                  out);
    }
    // Panes whose every window has now been emitted are done.
    for (auto p = state.panes.begin(); p != state.panes.end();) {
      if (last_end_of_pane(p->first) <= until) {
        p = state.panes.erase(p);
        --open_windows_;
      } else {
        ++p;
      }
    }
  }

  // Open windows as they stand, flagged "update"; state is kept.
  void emit_updates(TransformOutputs& out) {
    const int64_t after = std::max({watermark_.watermark(), forced_us_, emitted_until_us_});
    for (auto& [key, state] : keys_) {
      for (const Session& s : state.sessions) {
        emit_window(key, s.start_us, s.end_us, s.acc.get(), EmitKind::kUpdate, out);
      }
      collect_window_ends(state, after, kEverything);
      for (int64_t e : ends_) {
        emit_window(key, e - size_us_, e, window_accumulators(state, e), EmitKind::kUpdate, out);
      }
    }
  }

  // Into ends_, sorted and unique: the ends in (after, until] of this key's windows
  // that hold at least one pane.
  void collect_window_ends(const KeyState& state, int64_t after, int64_t until) {
    ends_.clear();
    for (const auto& [start, acc] : state.panes) {
      const int64_t last = std::min(last_end_of_pane(start), until);
      for (int64_t e = first_end_after(start); e <= last; e += slide_us_) {
        if (e > after) ends_.push_back(e);
      }
    }
    std::sort(ends_.begin(), ends_.end());
    ends_.erase(std::unique(ends_.begin(), ends_.end()), ends_.end());
  }

  // The window ending at `end_us`: its one pane when tumbling, else its panes merged.
  const Accumulator* window_accumulators(const KeyState& state, int64_t end_us) {
    if (size_us_ == slide_us_) return state.panes.at(end_us - size_us_).get();
    merged_.reset(new Accumulator[aggregates_.size()]);
    for (auto p = state.panes.lower_bound(end_us - size_us_);
         p != state.panes.end() && p->first < end_us; ++p) {
      aggregates_.merge(merged_.get(), p->second.get());
    }
    return merged_.get();
  }

  // Over the bound: emit the oldest windows now, as if the watermark had passed them,
  // until a tenth of the bound is free. Later events for them count as late.
  void evict(TransformOutputs& out) {
    std::vector<int64_t> ends;
    ends.reserve(open_windows_);
    for (const auto& [key, state] : keys_) {
      for (const Session& s : state.sessions) ends.push_back(s.end_us);
      for (const auto& [start, acc] : state.panes) ends.push_back(last_end_of_pane(start));
    }
    const size_t keep = max_open_windows_ - max_open_windows_ / 10;
    if (ends.size() <= keep) return;
    const size_t drop = ends.size() - keep;
    std::nth_element(ends.begin(), ends.begin() + static_cast<long>(drop - 1), ends.end());
    const int64_t until = ends[drop - 1];
    forced_us_ = std::max(forced_us_, until);
    emit_until(until, EmitKind::kFinal, out);
  }

  void emit_window(const std::string& key, int64_t start_us, int64_t end_us, const Accumulator* acc,
                   EmitKind kind, TransformOutputs& out) {
    Batch& main = out.main();
    Arena& arena = main.arena();
    ObjectBuilder b(arena, 4 + static_cast<uint32_t>(key_fields_.size() + aggregates_.size()));
    b.append_unique(start_field_, Value::timestamp(start_us));
    b.append_unique(end_field_, Value::timestamp(end_us));
    Value root = b.finish();
    // Key values, stored length-prefixed in the key string.
    size_t pos = 0;
    for (const FieldPath& path : key_fields_) {
      uint32_t length = 0;
      std::memcpy(&length, key.data() + pos, 4);
      pos += 4;
      std::string_view bytes = arena.copy_string(std::string_view(key).substr(pos, length));
      pos += length;
      Value v;
      if (!format::decode_value(bytes, arena, &v).is_ok()) v = Value::null();
      if (auto updated = set_path(arena, root, path, v)) root = *updated;
    }
    root = aggregates_.write_results(acc, end_us - start_us, arena, root);
    if (auto updated = set_path(arena, root, FieldPath::of_field(emit_field_),
                                Value::string(emit_name(kind)))) {
      root = *updated;
    }
    main.events.push_back(Event{root, end_us - 1});
    stats_.add_out(1);
    if (kind == EmitKind::kEvicted) stats_.add_evicted(1);
    if (kind == EmitKind::kFinal) note_result(root, start_us);
  }

  // The console summary shows each key's newest window: "service=auth 10:05  requests=..."
  void note_result(const Value& result, int64_t start_us) {
    std::string label, line;
    for (const FieldPath& path : key_fields_) {
      const Value* v = lookup(result, path);
      label += (label.empty() ? "" : ",") + path.to_string().substr(1) + "=" +
               (v && v->is_string() ? std::string(v->as_string())
                : v                 ? format::to_json(*v)
                                    : "null");
    }
    char at[kRfc3339MaxBytes];
    line.assign(at, format_rfc3339(start_us, at));
    for (const Field& f : result.as_object()) {
      if (f.name == start_field_ || f.name == end_field_ || f.name == emit_field_) continue;
      if (std::find_if(key_fields_.begin(), key_fields_.end(), [&](const FieldPath& p) {
            return p.segments().size() == 1 && p.segments()[0].field == f.name;
          }) != key_fields_.end()) {
        continue;
      }
      line += "  " + std::string(FieldNames::name(f.name)) + "=";
      if (f.value.is_double())
        line += fmt::format("{:.4g}", f.value.as_double());
      else
        line += format::to_json(f.value);
    }
    stats_.notes.set(label.empty() ? "all" : label, std::move(line));
  }

  AggregateSet aggregates_;
  std::vector<FieldPath> key_fields_;
  EventKey key_{key_fields_};
  bool session_;
  int64_t size_us_;
  int64_t slide_us_;
  int64_t gap_us_;
  int64_t pane_us_;
  int64_t early_updates_us_;
  uint64_t max_open_windows_;
  WatermarkTracker watermark_;
  observe::ComponentStats& stats_;
  FieldId start_field_, end_field_, emit_field_;

  std::unordered_map<std::string, KeyState, StringHash, std::equal_to<>> keys_;
  uint64_t open_windows_ = 0;
  int64_t emitted_until_us_ = WatermarkTracker::kNone;  // windows ending at or before were emitted
  int64_t forced_us_ = WatermarkTracker::kNone;         // evictions move this like a watermark
  int64_t next_due_us_ = std::numeric_limits<int64_t>::max();
  int64_t next_update_us_ = 0;

  // Scratch reused across events, so the hot path does not allocate.
  std::vector<Value> args_;
  std::string error_;
  std::vector<int64_t> ends_;
  Accumulators merged_;
};

std::string check_window_options(const OptionValues& o) {
  const std::string& kind = o.get_string("window");
  if (kind == "session") {
    if (!o.has("gap") || o.get_int("gap") <= 0)
      return "a session window needs \"gap\" (e.g. gap: 30s)";
  } else {
    if (!o.has("size") || o.get_int("size") <= 0)
      return "a " + kind + " window needs \"size\" (e.g. size: 1m)";
    if (kind == "hopping") {
      if (!o.has("slide") || o.get_int("slide") <= 0)
        return "a hopping window needs \"slide\" (e.g. slide: 10s)";
      if (o.get_int("slide") > o.get_int("size"))
        return "\"slide\" must not be longer than \"size\"";
    }
  }
  if (o.get_aggregates("aggregates").empty())
    return "\"aggregates\" needs at least one aggregate, e.g. requests: count()";
  return "";
}

// A window's result is a new event: its bounds, its key fields and the aggregates.
// Statistics (count, sum, avg, stddev, rate, distinct) disclose no single value;
// min, max, first, last and percentiles return one of the values, so they carry its
// class. Late events go out as they came.
void window_field_flow(const OptionValues& o, const std::string& port, FieldFlow& flow) {
  if (port == "late") return;
  flow.start_new_event();
  if (o.has("key_fields")) {
    for (const FieldPath& key : o.get_paths("key_fields"))
      flow.derive(key, {key}, "the key field " + key.to_string());
  }
  if (!o.has("aggregates")) return;
  for (const AggregateCall& call : o.get_aggregates("aggregates")) {
    const std::string how = std::string(aggregate_function_name(call.function)) + "(" +
                            (call.argument ? call.argument->text() : std::string()) + ")";
    switch (call.function) {
      case AggregateFunction::kMin:
      case AggregateFunction::kMax:
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast:
      case AggregateFunction::kP50:
      case AggregateFunction::kP90:
      case AggregateFunction::kP95:
      case AggregateFunction::kP99:
        flow.derive(call.output,
                    call.argument ? call.argument->referenced_paths() : std::vector<FieldPath>{},
                    how);
        break;
      default:
        flow.derive(call.output, {}, how);
        break;
    }
  }
}

}  // namespace

TransformType window_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "window";
  spec.summary =
      "Aggregates events over event-time tumbling, hopping or session windows, keyed by fields.";
  spec.options = {
      OptionSpec::optional("window", OptionType::kEnum, "tumbling", "Kind of window.")
          .one_of({"tumbling", "hopping", "session"}),
      OptionSpec::optional("size", OptionType::kDuration, "",
                           "Length of a tumbling or hopping window.")
          .at_least(1),
      OptionSpec::optional("slide", OptionType::kDuration, "",
                           "Hopping windows: how far each window starts after the previous one.")
          .at_least(1),
      OptionSpec::optional("gap", OptionType::kDuration, "",
                           "Session windows: a key's session ends after this long without events.")
          .at_least(1),
      OptionSpec::optional(
          "key_fields", OptionType::kPathList, "",
          "Fields whose values key the windows (one series per combination); none: one series."),
      OptionSpec::required_option("aggregates", OptionType::kAggregateMap,
                                  "Output field → aggregate: count(), count_if(cond), sum, avg, "
                                  "min, max, first, last, stddev, rate, "
                                  "distinct, p50, p90, p95, p99 of an expression."),
      OptionSpec::optional(
          "allowed_lateness", OptionType::kDuration, "1s",
          "How far behind the newest event time an event may arrive and still count.")
          .at_least(0),
      OptionSpec::optional(
          "idle_timeout", OptionType::kDuration, "10s",
          "An input partition without events for this long no longer holds the watermark back.")
          .at_least(1),
      OptionSpec::optional(
          "early_updates", OptionType::kDuration, "0s",
          "Also emit open windows this often (processing time), flagged \"update\"; 0: never.")
          .at_least(0),
      OptionSpec::optional(
          "max_open_windows", OptionType::kInt, "1000000",
          "Bound on windows held (over all keys); past it the oldest are emitted early, flagged "
          "\"evicted\".")
          .at_least(1),
  };
  spec.named_outputs = [](const OptionValues&) { return std::vector<std::string>{"late"}; };
  spec.check = check_window_options;
  spec.field_flow = window_field_flow;
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<WindowTransform>(ctx));
                       },
                       /*stateful=*/true};
}

}  // namespace sluice::transform
