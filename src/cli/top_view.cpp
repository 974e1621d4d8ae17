#include "cli/top_view.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <map>

namespace sluice::cli {

namespace {

// Reads an optional field: `out` keeps its default when the field is absent or of another type.
template <class T>
void read_field(simdjson::simdjson_result<simdjson::dom::element> field, T& out) {
  T value;
  if (field.get(value) == simdjson::SUCCESS) out = value;
}

struct Counters {
  double events_in = 0, events_out = 0, errors = 0, dead_lettered = 0;
};

struct Reading {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  double time_s = 0;
  std::map<std::string, Counters> counters;
  std::map<std::string, int64_t> lag;  // group/topic → records
};

Status parse(const std::string& json, Reading& r) {
  if (r.parser.parse(json).get(r.root) != simdjson::SUCCESS || !r.root.is_object()) {
    return Status::invalid("the admin API answered something that is not a components document");
  }
  int64_t time_us = 0;
  if (r.root["time_us"].get(time_us) != simdjson::SUCCESS)
    return Status::invalid("the document has no time_us");
  r.time_s = static_cast<double>(time_us) / 1e6;
  simdjson::dom::array components;
  if (r.root["components"].get(components) != simdjson::SUCCESS)
    return Status::invalid("the document has no components");
  for (simdjson::dom::element c : components) {
    std::string_view name;
    if (c["name"].get(name) != simdjson::SUCCESS) continue;
    Counters n;
    uint64_t v = 0;
    if (c["events_in"].get(v) == simdjson::SUCCESS) n.events_in = static_cast<double>(v);
    if (c["events_out"].get(v) == simdjson::SUCCESS) n.events_out = static_cast<double>(v);
    if (c["errors"].get(v) == simdjson::SUCCESS) n.errors = static_cast<double>(v);
    if (c["dead_lettered"].get(v) == simdjson::SUCCESS) n.dead_lettered = static_cast<double>(v);
    r.counters[std::string(name)] = n;
  }
  simdjson::dom::array backlog;
  if (r.root["log"]["backlog"].get(backlog) == simdjson::SUCCESS) {
    for (simdjson::dom::element b : backlog) {
      std::string_view group, topic;
      int64_t lag = 0;
      if (b["group"].get(group) || b["topic"].get(topic) || b["lag"].get(lag)) continue;
      r.lag[std::string(group) + "/" + std::string(topic)] += lag;
    }
  }
  return Status::ok();
}

std::string rate(double now, double before, double seconds, bool known) {
  if (!known || seconds <= 0) return "-";
  const double r = (now - before) / seconds;
  if (r >= 1e6) return fmt::format("{:.2f}M", r / 1e6);
  if (r >= 1e4) return fmt::format("{:.1f}k", r / 1e3);
  return fmt::format("{:.0f}", r);
}

std::string duration(double seconds) {
  if (seconds <= 0) return "-";
  if (seconds < 1e-3) return fmt::format("{:.0f}us", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f}ms", seconds * 1e3);
  return fmt::format("{:.2f}s", seconds);
}

std::string fit(std::string_view s, size_t width) {
  if (s.size() <= width) return std::string(s);
  return std::string(s.substr(0, width - 1)) + "~";
}

}  // namespace

Result<std::string> render_top(const std::string& previous_json, const std::string& current_json,
                               const TopOptions& options) {
  Reading now, before;
  SLUICE_RETURN_IF_ERROR(parse(current_json, now));
  const bool have_before = !previous_json.empty() && parse(previous_json, before).is_ok();
  const double seconds = have_before ? now.time_s - before.time_s : 0;
  const char* red = options.color ? "\033[31m" : "";
  const char* bold = options.color ? "\033[1m" : "";
  const char* reset = options.color ? "\033[0m" : "";

  std::string_view phase = "?", file = "";
  double uptime = 0;
  read_field(now.root["phase"], phase);
  read_field(now.root["file"], file);
  read_field(now.root["uptime_seconds"], uptime);
  std::string out =
      fmt::format("{}sluice top{}  {}  {}  up {:.0f}s{}\n\n", bold, reset, file, phase, uptime,
                  have_before ? fmt::format("  (rates over {:.1f}s)", seconds) : "");
  const size_t name_width =
      options.width == 0 ? 24 : std::min<size_t>(24, options.width > 100 ? options.width - 96 : 8);
  out += fmt::format("{:<{}} {:<9} {:<10} {:>9} {:>9} {:>7} {:>7} {:>9} {:>7} {}\n", "COMPONENT",
                     name_width, "KIND", "TYPE", "IN/s", "OUT/s", "ERR/s", "DEAD/s", "BATCH p99",
                     "QUEUED", "STATE");
  simdjson::dom::array components;
  read_field(now.root["components"], components);
  for (simdjson::dom::element c : components) {
    std::string_view name, kind, type;
    read_field(c["name"], name);
    read_field(c["kind"], kind);
    read_field(c["type"], type);
    const Counters& n = now.counters[std::string(name)];
    auto prior = before.counters.find(std::string(name));
    const bool known = have_before && prior != before.counters.end();
    const Counters p = known ? prior->second : Counters{};
    double p99 = 0;
    read_field(c["batch_latency"]["p99_seconds"], p99);
    int64_t queued = -1;
    read_field(c["queued_batches"], queued);
    bool healthy = true;
    read_field(c["healthy"], healthy);
    std::string state = kind == "sink" ? (healthy ? "ok" : "FAILING") : "";
    if (!healthy) {
      std::string_view error;
      read_field(c["error"], error);
      // On a terminal the error is cut to the line; in a pipe or file it is whole.
      const size_t room = options.width > name_width + 120 ? options.width - name_width - 85 : 30;
      state = fmt::format("{}FAILING{} {}", red, reset,
                          options.width == 0 ? std::string(error) : fit(error, room));
    }
    out += fmt::format("{:<{}} {:<9} {:<10} {:>9} {:>9} {:>7} {:>7} {:>9} {:>7} {}\n",
                       fit(name, name_width), name_width, kind, fit(type, 10),
                       kind == "source" ? "-" : rate(n.events_in, p.events_in, seconds, known),
                       rate(n.events_out, p.events_out, seconds, known),
                       rate(n.errors, p.errors, seconds, known),
                       rate(n.dead_lettered, p.dead_lettered, seconds, known), duration(p99),
                       queued >= 0 ? std::to_string(queued) : "-", state);
  }
  if (!now.lag.empty()) {
    out += fmt::format("\n{:<40} {:>12} {:>10}\n", "BACKLOG (group/topic)", "RECORDS", "CHANGE/s");
    for (const auto& [key, lag] : now.lag) {
      auto prior = before.lag.find(key);
      const bool known = have_before && prior != before.lag.end();
      const double change =
          known && seconds > 0 ? static_cast<double>(lag - prior->second) / seconds : 0;
      const bool growing = known && change > 0;
      out += fmt::format("{:<40} {}{:>12}{} {:>10}\n", fit(key, 40), growing ? red : "", lag,
                         growing ? reset : "", known ? fmt::format("{:+.0f}", change) : "-");
    }
  }
  simdjson::dom::object delivery;
  if (now.root["delivery_latency"].get(delivery) == simdjson::SUCCESS && delivery.size() > 0) {
    out += fmt::format("\n{:<40} {:>10} {:>10}\n", "DELIVERY (append to committed)", "p50", "p99");
    for (auto field : delivery) {
      double p50 = 0, p99 = 0;
      read_field(field.value["p50_seconds"], p50);
      read_field(field.value["p99_seconds"], p99);
      out +=
          fmt::format("{:<40} {:>10} {:>10}\n", fit(field.key, 40), duration(p50), duration(p99));
    }
  }
  return out;
}

}  // namespace sluice::cli
