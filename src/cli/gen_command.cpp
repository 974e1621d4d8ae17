#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/http_load.h"
#include "cli/signal_watcher.h"
#include "core/time.h"
#include "core/units.h"
#include "format/json_writer.h"
#include "source/source.h"
#include "source/traffic_model.h"

namespace sluice::cli {
namespace {

struct GenFlags {
  uint64_t seed = 1;
  uint64_t count = 0;
  double rate = 0;
  std::string duration = "0s";
  std::string start_time;
  std::string interval;
  std::string anomaly_interval = "15m";
  bool label_anomalies = false;
  std::string output = "-";
  // HTTP mode.
  std::string url;
  std::vector<std::string> headers;
  size_t batch_size = 100;
  size_t concurrency = 4;
  std::string body = "json-array";
  std::string timeout = "10s";
  std::string ca_file;
  std::string id_field;
  uint64_t id_start = 0;
  std::string ack_log;
  size_t prerender = 0;
};

// Writes NDJSON to a file or stdout, paced like the generator source.
int write_ndjson(const GenFlags& flags, const source::TrafficOptions& traffic, int64_t duration_us,
                 const std::atomic<bool>& stop) {
  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (flags.output != "-") {
    file.reset(std::fopen(flags.output.c_str(), "wb"));
    if (!file) {
      std::fprintf(stderr, "sluice gen: cannot open %s: %s\n", flags.output.c_str(), std::strerror(errno));
      return kExitRuntimeFailure;
    }
    out = file.get();
  }
  source::TrafficModel model(traffic);
  Arena arena;
  std::string buffer;
  const int64_t start = steady_now_us();
  uint64_t written = 0;
  constexpr size_t kChunk = 256;
  while (!stop.load()) {
    if (flags.count != 0 && written >= flags.count) break;
    if (duration_us != 0 && steady_now_us() - start >= duration_us) break;
    size_t n = kChunk;
    if (flags.rate > 0) n = std::max<size_t>(1, std::min<size_t>(kChunk, static_cast<size_t>(flags.rate / 20)));
    if (flags.count != 0) n = static_cast<size_t>(std::min<uint64_t>(n, flags.count - written));
    if (flags.rate > 0) {
      int64_t due = start + static_cast<int64_t>(static_cast<double>(written) * 1e6 / flags.rate);
      int64_t wait = due - steady_now_us();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
    }
    buffer.clear();
    arena.reset();
    for (size_t i = 0; i < n; ++i) format::append_ndjson_line(model.next(arena), buffer);
    if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) {
      // A closed pipe (e.g. `sluice gen | head`) ends the output; it is not a failure.
      if (errno == EPIPE) break;
      std::fprintf(stderr, "sluice gen: write failed: %s\n", std::strerror(errno));
      return kExitRuntimeFailure;
    }
    written += n;
  }
  std::fflush(out);
  return kExitOk;
}

}  // namespace

void add_gen_command(CLI::App& app, int* exit_code) {
  static GenFlags flags;
  CLI::App* cmd = app.add_subcommand(
      "gen",
      "Generate synthetic microservice events (the generator source's traffic) as NDJSON on stdout or\n"
      "into a file, or POST them as JSON to an HTTP endpoint and report events/s and latency.");
  cmd->add_option("--seed", flags.seed, "Random seed; same seed and --start-time give the same events")->capture_default_str();
  cmd->add_option("--count,-n", flags.count, "Stop after this many events (0: no limit)")->capture_default_str();
  cmd->add_option("--rate", flags.rate, "Events per second (0: as fast as possible)")->capture_default_str();
  cmd->add_option("--duration", flags.duration, "Stop after this long, e.g. 30s (0s: no limit)")->capture_default_str();
  cmd->add_option("--start-time", flags.start_time, "Event time of the first event, RFC 3339 (default: now)");
  cmd->add_option("--interval", flags.interval, "Event time between events (default: 1/rate or 1ms)");
  cmd->add_option("--anomaly-interval", flags.anomaly_interval,
                  "Mean event time between anomaly episodes (2-5 minutes each); 0s: none")->capture_default_str();
  cmd->add_flag("--label-anomalies", flags.label_anomalies, "Add an \"anomaly\" field to each event");
  cmd->add_option("--output,-o", flags.output, "NDJSON output file; - is stdout")->capture_default_str();
  cmd->add_option("--url", flags.url, "POST events to this HTTP(S) URL instead of writing NDJSON");
  cmd->add_option("--header,-H", flags.headers, "Extra HTTP header \"Name: value\" (repeatable)");
  cmd->add_option("--batch-size", flags.batch_size, "Events per HTTP request")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--concurrency,-c", flags.concurrency, "Parallel HTTP connections")->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--body", flags.body, "HTTP body format: json-array or ndjson")->capture_default_str()
      ->check(CLI::IsMember({"json-array", "ndjson"}));
  cmd->add_option("--timeout", flags.timeout, "Per-request timeout")->capture_default_str();
  cmd->add_option("--ca-file", flags.ca_file, "CA certificate file for https URLs with a private CA");
  cmd->add_option("--id-field", flags.id_field, "With --url: add this field to every event, its sequence number 0, 1, 2, ...");
  cmd->add_option("--id-start", flags.id_start,
                  "With --id-field: the first sequence number (generators feeding one pipeline "
                  "get disjoint numbers)");
  cmd->add_option(
         "--prerender", flags.prerender,
         "With --url: render this many batches before the run and send them in turn, so the "
         "generator's own CPU stays out of the measurement (events repeat; not with --id-field)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  cmd->add_option("--ack-log", flags.ack_log,
                  "With --url: append \"<first> <last>\" sequence numbers of every acknowledged batch to this file");

  cmd->callback([exit_code] {
    auto duration_us = parse_duration_us(flags.duration);
    auto timeout_us = parse_duration_us(flags.timeout);
    auto anomaly_interval_us = parse_duration_us(flags.anomaly_interval);
    if (!duration_us || !timeout_us || !anomaly_interval_us) {
      const Status& bad = !duration_us ? duration_us.status() : !timeout_us ? timeout_us.status() : anomaly_interval_us.status();
      std::fprintf(stderr, "sluice gen: %s\n", bad.message().c_str());
      *exit_code = kExitUsage;
      return;
    }
    source::TrafficOptions traffic;
    traffic.seed = flags.seed;
    traffic.anomaly_interval_us = *anomaly_interval_us;
    traffic.label_anomalies = flags.label_anomalies;
    traffic.start_time_us = now_us();
    if (!flags.start_time.empty()) {
      auto t = parse_rfc3339(flags.start_time);
      if (!t) {
        std::fprintf(stderr, "sluice gen: --start-time: %s\n", t.status().message().c_str());
        *exit_code = kExitUsage;
        return;
      }
      traffic.start_time_us = *t;
    }
    traffic.interval_us = flags.rate > 0 ? std::max<int64_t>(1, static_cast<int64_t>(1e6 / flags.rate)) : 1000;
    if (!flags.interval.empty()) {
      auto i = parse_duration_us(flags.interval);
      if (!i) {
        std::fprintf(stderr, "sluice gen: --interval: %s\n", i.status().message().c_str());
        *exit_code = kExitUsage;
        return;
      }
      traffic.interval_us = *i;
    }

    std::atomic<bool> stop{false};
    SignalWatcher signals([&stop] { stop.store(true); });
    if (flags.url.empty()) {
      *exit_code = write_ndjson(flags, traffic, *duration_us, stop);
      return;
    }
    HttpLoadOptions load;
    load.url = flags.url;
    load.headers = flags.headers;
    load.batch_size = flags.batch_size;
    load.concurrency = flags.concurrency;
    load.rate_eps = flags.rate;
    load.duration_us = *duration_us;
    load.count = flags.count;
    load.timeout_ms = *timeout_us / 1000;
    load.body = flags.body == "ndjson" ? LoadBody::kNdjson : LoadBody::kJsonArray;
    load.ca_file = flags.ca_file;
    load.id_field = flags.id_field;
    load.id_start = flags.id_start;
    load.ack_log = flags.ack_log;
    load.prerender = flags.prerender;
    load.traffic = traffic;
    auto report = run_http_load(load, stop);
    if (!report) {
      std::fprintf(stderr, "sluice gen: %s\n", report.status().message().c_str());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    std::fputs(format_report(*report).c_str(), stdout);
    *exit_code = report->events_accepted == report->events_sent ? kExitOk : kExitRuntimeFailure;
  });
}

}  // namespace sluice::cli
