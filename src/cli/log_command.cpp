// sluice log topics|describe|offsets|dump|tail: inspect the log.
//
// Opens the embedded log read-only, so it is safe while `sluice run` writes it:
// nothing on disk changes, and records appear as the writer makes them readable.
// With -c and a pipeline on Kafka, reads its Kafka topics and group offsets.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>

#include "cli/commands.h"
#include "cli/data_dir_option.h"
#include "cli/exit_codes.h"
#include "core/config/config_loader.h"
#include "core/time.h"
#include "format/event_codec.h"
#include "format/json_writer.h"
#include "log/embedded_log.h"
#include "runtime/log_setup.h"
#include "runtime/registry.h"

namespace sluice::cli {
namespace {

struct LogFlags {
  std::string config;
  std::string data_dir = "./data";
  std::string key_file;
  std::string key_env = "SLUICE_LOG_KEYS";
  std::string topic;
  std::string group;
  int32_t partition = -1;  // -1: every partition
  int64_t offset = 0;
  int64_t count = -1;
  bool follow = false;
};

// The log the flags name: with -c, the pipeline's (Kafka when its log: says so);
// otherwise the embedded log under --data-dir, read-only.
Result<std::unique_ptr<log::Log>> open_read_only(const LogFlags& f) {
  if (!f.config.empty()) {
    Diagnostics diagnostics;
    auto loaded = load_pipeline_file(f.config, runtime::Registry::builtin(), diagnostics);
    if (!loaded) return Status::invalid(diagnostics.format());
    if (runtime::uses_kafka_log(*loaded)) return runtime::open_log(*loaded);
  }
  log::EmbeddedLogOptions options;
  options.dir = f.data_dir + "/log";
  options.read_only = true;
  if (!f.config.empty()) {
    // The keys the pipeline file's log: section names.
    auto state = pipeline_state(f.config, f.data_dir);
    if (!state) return state.status();
    options.keys = std::move(state->keys);
  }
  if (!f.key_file.empty()) SLUICE_RETURN_IF_ERROR(options.keys.load_file(f.key_file));
  if (const char* text = std::getenv(f.key_env.c_str()); text && *text) {
    SLUICE_RETURN_IF_ERROR(options.keys.load_text_list(text, "$" + f.key_env));
  }
  auto log = log::EmbeddedLog::open(std::move(options));
  if (!log) return log.status();
  return std::unique_ptr<log::Log>(std::move(log).value());
}

// Where the flags' log is, for messages: the pipeline's (embedded or Kafka) or a directory.
std::string where_log(const LogFlags& f) {
  return f.config.empty() ? "under " + f.data_dir + "/log" : "in the log of " + f.config;
}

std::string human_bytes(int64_t bytes) {
  if (bytes < 0) return "-";  // the log does not know (Kafka)
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char out[32];
  std::snprintf(out, sizeof out, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return out;
}

const log::TopicInfo* find_topic(const std::vector<log::TopicInfo>& topics,
                                 const std::string& name) {
  for (const auto& t : topics) {
    if (t.config.name == name) return &t;
  }
  return nullptr;
}

int topics_command(log::Log& log) {
  auto topics = log.topics();
  if (!topics) {
    std::fprintf(stderr, "sluice log topics: %s\n", topics.status().message().c_str());
    return kExitRuntimeFailure;
  }
  std::printf("%-24s %10s %14s %12s %9s %11s %9s\n", "TOPIC", "PARTITIONS", "RECORDS", "BYTES",
              "FSYNC", "COMPRESSION", "ENCRYPTED");
  for (const auto& t : *topics) {
    int64_t records = 0, bytes = 0;
    for (const auto& p : t.partitions) {
      records += p.end_offset - p.start_offset;
      bytes = p.bytes < 0 || bytes < 0 ? -1 : bytes + p.bytes;
    }
    std::printf("%-24s %10d %14lld %12s %9s %11s %9s\n", t.config.name.c_str(), t.config.partitions,
                static_cast<long long>(records), human_bytes(bytes).c_str(),
                log::durability_name(t.config.durability), log::codec_name(t.config.codec),
                t.config.encryption_key.empty() ? "no" : t.config.encryption_key.c_str());
  }
  return kExitOk;
}

int describe_command(log::Log& log, const LogFlags& f) {
  auto topics = log.topics();
  if (!topics) {
    std::fprintf(stderr, "sluice log describe: %s\n", topics.status().message().c_str());
    return kExitRuntimeFailure;
  }
  const log::TopicInfo* t = find_topic(*topics, f.topic);
  if (!t) {
    std::fprintf(stderr, "sluice log describe: no topic \"%s\" %s\n", f.topic.c_str(),
                 where_log(f).c_str());
    return kExitUsage;
  }
  std::printf("%s", log::topic_config_text(t->config).c_str());
  std::printf("\n%-9s %14s %14s %12s %9s %8s\n", "PARTITION", "START", "END", "BYTES", "SEGMENTS",
              "CORRUPT");
  for (const auto& p : t->partitions) {
    std::printf("%-9d %14lld %14lld %12s %9s %8llu\n", p.partition,
                static_cast<long long>(p.start_offset), static_cast<long long>(p.end_offset),
                human_bytes(p.bytes).c_str(),
                p.segments < 0 ? "-" : std::to_string(p.segments).c_str(),
                static_cast<unsigned long long>(p.corrupt_batches));
  }
  auto groups = log.group_offsets("");
  if (groups && !groups->empty()) {
    std::printf("\n%-20s %-9s %14s %14s %12s\n", "GROUP", "PARTITION", "COMMITTED", "END", "LAG");
    for (const auto& g : *groups) {
      if (g.topic != f.topic) continue;
      std::printf("%-20s %-9d %14lld %14lld %12lld\n", g.group.c_str(), g.partition,
                  static_cast<long long>(g.committed), static_cast<long long>(g.end_offset),
                  static_cast<long long>(g.lag()));
    }
  }
  return kExitOk;
}

int offsets_command(log::Log& log, const LogFlags& f) {
  auto groups = log.group_offsets(f.group);
  if (!groups) {
    std::fprintf(stderr, "sluice log offsets: %s\n", groups.status().message().c_str());
    return kExitRuntimeFailure;
  }
  std::printf("%-20s %-24s %-9s %14s %14s %12s\n", "GROUP", "TOPIC", "PARTITION", "COMMITTED",
              "END", "LAG");
  for (const auto& g : *groups) {
    std::printf("%-20s %-24s %-9d %14lld %14lld %12lld\n", g.group.c_str(), g.topic.c_str(),
                g.partition, static_cast<long long>(g.committed),
                static_cast<long long>(g.end_offset), static_cast<long long>(g.lag()));
  }
  return kExitOk;
}

// One record as a JSON line: partition, offset, timestamp and the event.
void print_record(int32_t partition, const log::ReadRecord& r) {
  Arena arena;
  Value event;
  std::string line = R"({"partition":)" + std::to_string(partition) + R"(,"offset":)" +
                     std::to_string(r.offset) + R"(,"timestamp":")" +
                     format_rfc3339(r.timestamp_us) + R"(","event":)";
  if (Status s = format::decode_value(arena.copy_string(r.value), arena, &event); s.is_ok()) {
    format::append_json(event, line);
  } else {
    line += R"(null,"error":)";
    format::append_json_string(s.message(), line);
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
}

std::vector<int32_t> chosen_partitions(const log::TopicInfo& t, int32_t partition) {
  std::vector<int32_t> out;
  for (const auto& p : t.partitions) {
    if (partition < 0 || p.partition == partition) out.push_back(p.partition);
  }
  return out;
}

// Prints records of one partition from `from`, at most `limit` (-1: all); returns the next offset.
Result<int64_t> print_range(log::Log& log, const std::string& topic, int32_t partition,
                            int64_t from, int64_t limit) {
  int64_t printed = 0;
  while (limit < 0 || printed < limit) {
    auto read = log.read(topic, partition, from, 1 << 20, 0);
    if (!read) return read.status();
    for (const std::string& skipped : read->skipped) std::fprintf(stderr, "%s\n", skipped.c_str());
    for (const auto& r : read->records) {
      if (limit >= 0 && printed >= limit) break;
      print_record(partition, r);
      ++printed;
      from = r.offset + 1;
    }
    if (read->records.empty()) {
      if (read->next_offset == from) break;
      from = read->next_offset;
    }
  }
  std::fflush(stdout);
  return from;
}

int dump_command(const LogFlags& f, bool tail) {
  auto log = open_read_only(f);
  if (!log) {
    std::fprintf(stderr, "sluice log: %s\n", log.status().message().c_str());
    return kExitRuntimeFailure;
  }
  auto topics = (*log)->topics();
  const log::TopicInfo* t = topics ? find_topic(*topics, f.topic) : nullptr;
  if (!t) {
    std::fprintf(stderr, "sluice log: no topic \"%s\" %s\n", f.topic.c_str(), where_log(f).c_str());
    return kExitUsage;
  }
  std::map<int32_t, int64_t> next;
  for (int32_t p : chosen_partitions(*t, f.partition)) {
    const auto& info = t->partitions[static_cast<size_t>(p)];
    int64_t from = tail
                       ? std::max(info.start_offset, info.end_offset - (f.count < 0 ? 10 : f.count))
                       : std::max(info.start_offset, f.offset);
    auto end = print_range(**log, f.topic, p, from, tail ? -1 : f.count);
    if (!end) {
      std::fprintf(stderr, "sluice log: %s\n", end.status().message().c_str());
      return kExitRuntimeFailure;
    }
    next[p] = *end;
  }
  if (!tail || !f.follow) return kExitOk;
  // --follow: a read-only log is a snapshot, so reopen it to see what the writer added.
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    log.value().reset();
    log = open_read_only(f);
    if (!log) continue;  // e.g. a retention pass removed a segment while we looked
    for (auto& [p, from] : next) {
      auto end = print_range(**log, f.topic, p, from, -1);
      if (end) from = *end;
    }
  }
}

}  // namespace

void add_log_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "log", "Inspect the log: topics, partitions, segments, consumer lag, records.");
  cmd->require_subcommand(1);
  static LogFlags f;
  auto common = [](CLI::App* sub) {
    sub->add_option(
        "-c,--config", f.config,
        "Pipeline file: its data_dir, and the keys of its log: section to decrypt with");
    sub->add_option("--data-dir", f.data_dir,
                    "The pipeline's data_dir (the log is in <data-dir>/log)")
        ->capture_default_str();
    sub->add_option("--key-file", f.key_file, "Key file to decrypt encrypted topics (mode 0600)");
    // With -c, messages name the pipeline's data_dir (a bad file is reported when the log opens).
    sub->parse_complete_callback([] {
      if (f.config.empty()) return;
      if (auto dir = pipeline_data_dir(f.config, f.data_dir)) f.data_dir = *dir;
    });
    sub->add_option("--key-env", f.key_env, "Environment variable holding keys as <id>:<hex>,...")
        ->capture_default_str();
  };
  auto run_with_log = [exit_code](int (*body)(log::Log&, const LogFlags&)) {
    auto log = open_read_only(f);
    if (!log) {
      std::fprintf(stderr, "sluice log: %s\n", log.status().message().c_str());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    *exit_code = body(**log, f);
  };

  CLI::App* topics =
      cmd->add_subcommand("topics", "List topics with partitions, records, size and settings.");
  common(topics);
  topics->callback([run_with_log] {
    run_with_log([](log::Log& l, const LogFlags&) { return topics_command(l); });
  });

  CLI::App* describe =
      cmd->add_subcommand("describe",
                          "Settings, partitions (offsets, bytes, segments, corrupt "
                          "batches) and consumer lag of one topic.");
  common(describe);
  describe->add_option("TOPIC", f.topic, "Topic name")->required();
  describe->callback([run_with_log] { run_with_log(describe_command); });

  CLI::App* offsets = cmd->add_subcommand(
      "offsets", "Committed offset, end offset and lag of every consumer group.");
  common(offsets);
  offsets->add_option("--group", f.group, "Only this group");
  offsets->callback([run_with_log] { run_with_log(offsets_command); });

  CLI::App* dump = cmd->add_subcommand(
      "dump", "Print records as JSON lines (partition, offset, timestamp, event).");
  common(dump);
  dump->add_option("TOPIC", f.topic, "Topic name")->required();
  dump->add_option("-p,--partition", f.partition, "Only this partition (default: all)");
  dump->add_option("--offset", f.offset, "First offset to print")->capture_default_str();
  dump->add_option("-n,--count", f.count, "Records per partition at most (default: all)");
  dump->callback([exit_code] { *exit_code = dump_command(f, false); });

  CLI::App* tail = cmd->add_subcommand(
      "tail", "Print the last records of a topic; --follow keeps printing new ones.");
  common(tail);
  tail->add_option("TOPIC", f.topic, "Topic name")->required();
  tail->add_option("-p,--partition", f.partition, "Only this partition (default: all)");
  tail->add_option("-n,--count", f.count, "Last records per partition (default 10)");
  tail->add_flag("-f,--follow", f.follow, "Keep printing records as they arrive (Ctrl-C to stop)");
  tail->callback([exit_code] { *exit_code = dump_command(f, true); });
}

}  // namespace sluice::cli
