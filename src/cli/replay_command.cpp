// sluice replay --from PATH --to TOPIC: backfill a log topic from lake files, so a
// changed pipeline can run over history (a `topic` source reads it).
//
// Reads every Parquet file under PATH (the lake's own, or flat files of other
// writers) with the lake reader and appends the events to TOPIC of the embedded
// log — the pipeline file's log (--config) or the one under --data-dir. The log
// has one writer at a time, so the pipeline using that data_dir must be stopped.
// Progress goes to stderr (a bar on a terminal); the summary to stdout.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/signal_watcher.h"
#include "core/config/config_loader.h"
#include "core/time.h"
#include "log/embedded_log.h"
#include "runtime/log_setup.h"
#include "runtime/registry.h"
#include "runtime/topic_writer.h"
#include "sink/lake/lake_reader.h"

namespace sluice::cli {
namespace {

struct ReplayFlags {
  std::string from;
  std::string topic;
  std::string config;
  std::string data_dir = "./data";
  int32_t partitions = 1;
  std::vector<std::string> key_fields;
  size_t batch_size = 4096;
};

// Progress of a replay: a bar redrawn in place on a terminal, a line every few
// seconds otherwise.
class Progress {
 public:
  Progress(int64_t total_events, size_t files)
      : total_(total_events), files_(files), start_(steady_now_us()) {
    tty_ = isatty(STDERR_FILENO) != 0;
  }

  void update(int64_t events, size_t file, bool final = false) {
    const int64_t now = steady_now_us();
    if (!final && now - last_ < (tty_ ? 200'000 : 5'000'000)) return;
    last_ = now;
    const double seconds = std::max(1e-6, static_cast<double>(now - start_) / 1e6);
    const double rate = static_cast<double>(events) / seconds;
    const double done =
        total_ > 0 ? static_cast<double>(events) / static_cast<double>(total_) : 1.0;
    if (tty_) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(done * kWidth);
      std::string bar(static_cast<size_t>(filled), '=');
      if (filled < kWidth) bar += '>';
      bar.resize(kWidth, ' ');
      std::fprintf(stderr, "\r[%s] %3.0f%%  %lld/%lld events  %.0f events/s  file %zu/%zu",
                   bar.c_str(), done * 100, static_cast<long long>(events),
                   static_cast<long long>(total_), rate, file, files_);
      if (final) std::fputc('\n', stderr);
    } else {
      std::fprintf(stderr, "replay: %3.0f%%  %lld/%lld events  %.0f events/s  file %zu/%zu\n",
                   done * 100, static_cast<long long>(events), static_cast<long long>(total_), rate,
                   file, files_);
    }
    std::fflush(stderr);
  }

  double seconds() const { return static_cast<double>(steady_now_us() - start_) / 1e6; }

 private:
  int64_t total_;
  size_t files_;
  int64_t start_;
  int64_t last_ = 0;
  bool tty_;
};

struct Target {
  std::unique_ptr<log::Log> log;
  log::TopicConfig topic;
  std::vector<FieldPath> key_fields;
};

Result<Target> open_target(const ReplayFlags& f) {
  Target t;
  t.topic.name = f.topic;
  t.topic.partitions = f.partitions;
  for (const std::string& text : f.key_fields) {
    auto path = FieldPath::parse(text);
    if (!path) return Status::invalid("--key-field " + text + ": " + path.status().message());
    t.key_fields.push_back(*path);
  }
  if (!f.config.empty()) {
    Diagnostics diagnostics;
    auto config = load_pipeline_file(f.config, runtime::Registry::builtin(), diagnostics);
    if (!config) return Status::invalid(diagnostics.format());
    // A source of the pipeline that reads this topic lends it its topic settings.
    for (const ComponentConfig& c : config->components) {
      if (c.kind != ComponentKind::kSource) continue;
      const log::TopicConfig topic = runtime::topic_config_for(c);
      if (topic.name != f.topic) continue;
      t.topic = topic;
      if (t.key_fields.empty()) t.key_fields = c.options.get_paths("key_fields");
    }
    auto log = runtime::open_log(*config);
    if (!log) return log.status().with_context("log under " + config->data_dir);
    t.log = std::move(*log);
    return t;
  }
  log::EmbeddedLogOptions options;
  options.dir = f.data_dir + "/log";
  auto log = log::EmbeddedLog::open(std::move(options));
  if (!log) return log.status().with_context("log under " + f.data_dir);
  t.log = std::move(*log);
  return t;
}

int replay(const ReplayFlags& f) {
  auto files = sink::lake::lake_files(f.from);
  if (!files) {
    std::fprintf(stderr, "sluice replay: %s\n", files.status().message().c_str());
    return kExitRuntimeFailure;
  }
  if (files->empty()) {
    std::fprintf(stderr, "sluice replay: no Parquet files under %s\n", f.from.c_str());
    return kExitRuntimeFailure;
  }
  // Every footer first: a file that cannot be read fails the replay before anything is appended.
  int64_t total = 0;
  for (const std::string& path : *files) {
    auto reader = sink::lake::LakeReader::open(path);
    if (!reader) {
      std::fprintf(stderr, "sluice replay: %s\n", reader.status().message().c_str());
      return kExitRuntimeFailure;
    }
    total += (*reader)->rows();
  }
  // Before the log starts its threads, so they inherit the blocked signals.
  std::atomic<bool> stop{false};
  SignalWatcher signals([&] { stop.store(true); });
  auto target = open_target(f);
  if (!target) {
    std::fprintf(stderr, "sluice replay: %s\n", target.status().message().c_str());
    return kExitRuntimeFailure;
  }
  if (Status s = target->log->ensure_topic(target->topic); !s.is_ok()) {
    std::fprintf(stderr, "sluice replay: topic %s: %s\n", f.topic.c_str(), s.message().c_str());
    return kExitRuntimeFailure;
  }
  runtime::TopicWriter writer(*target->log, target->topic.name, target->topic.partitions,
                              target->key_fields);
  Progress progress(total, files->size());
  int64_t events = 0;
  int exit_code = kExitOk;
  for (size_t i = 0; i < files->size() && !stop.load() && exit_code == kExitOk; ++i) {
    auto reader = sink::lake::LakeReader::open((*files)[i]);
    if (!reader) {
      std::fprintf(stderr, "\nsluice replay: %s\n", reader.status().message().c_str());
      exit_code = kExitRuntimeFailure;
      break;
    }
    while (!stop.load()) {
      Batch group;
      auto more = (*reader)->next(&group);
      if (!more) {
        std::fprintf(stderr, "\nsluice replay: %s\n", more.status().message().c_str());
        exit_code = kExitRuntimeFailure;
        break;
      }
      if (!*more) break;
      // A row group can hold millions of rows: append it in batches of the log's size.
      for (size_t at = 0; at < group.size() && !stop.load(); at += f.batch_size) {
        Batch part = group.derive();
        const size_t end = std::min(group.size(), at + f.batch_size);
        part.events.assign(group.events.begin() + static_cast<std::ptrdiff_t>(at),
                           group.events.begin() + static_cast<std::ptrdiff_t>(end));
        if (Status s = writer.append(part); !s.is_ok()) {
          std::fprintf(stderr, "\nsluice replay: appending to %s: %s\n", f.topic.c_str(),
                       s.message().c_str());
          exit_code = kExitRuntimeFailure;
          break;
        }
        events += static_cast<int64_t>(part.size());
        progress.update(events, i + 1);
      }
      if (exit_code != kExitOk) break;
    }
  }
  progress.update(events, files->size(), true);
  if (Status s = target->log->close(); !s.is_ok() && exit_code == kExitOk) {
    std::fprintf(stderr, "sluice replay: closing the log: %s\n", s.message().c_str());
    exit_code = kExitRuntimeFailure;
  }
  const double seconds = progress.seconds();
  std::printf("replayed %lld events from %zu files into topic %s in %.2f s (%.0f events/s)%s\n",
              static_cast<long long>(events), files->size(), f.topic.c_str(), seconds,
              static_cast<double>(events) / std::max(seconds, 1e-6),
              stop.load() ? "; interrupted" : "");
  if (stop.load() && exit_code == kExitOk) exit_code = kExitInterrupted;
  return exit_code;
}

}  // namespace

void add_replay_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Backfill: read Parquet files (a lake directory or one file) back into a log topic, so a\n"
      "pipeline with a `topic` source can run over history. The log must not be in use by a\n"
      "running pipeline. Exit code 0 when every event was appended, 3 on an error.");
  static ReplayFlags flags;
  cmd->add_option("--from", flags.from, "A Parquet file or a directory searched recursively")
      ->required();
  cmd->add_option("--to", flags.topic, "The topic to append to (created if missing)")->required();
  cmd->add_option(
      "-c,--config", flags.config,
      "Pipeline file whose log (and, for a source of that topic, topic settings) to use");
  cmd->add_option("--data-dir", flags.data_dir, "data_dir of the embedded log, without --config")
      ->capture_default_str();
  cmd->add_option("--partitions", flags.partitions, "Partitions of a new topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--key-field", flags.key_fields,
                  "Partition by these fields (repeatable), e.g. .service");
  cmd->add_option("--batch-size", flags.batch_size, "Events per append")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->callback([exit_code] { *exit_code = replay(flags); });
}

}  // namespace sluice::cli
