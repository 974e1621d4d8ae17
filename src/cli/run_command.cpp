#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/signal_watcher.h"
#include "core/config/config_loader.h"
#include "core/listen_address.h"
#include "core/units.h"
#include "observe/admin_server.h"
#include "observe/dashboard/dashboard_routes.h"
#include "observe/history/history_recorder.h"
#include "runtime/audit_start.h"
#include "runtime/log_setup.h"
#include "runtime/pipeline.h"

namespace sluice::cli {

void add_run_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("run",
                                     "Run a pipeline until its sources finish or it receives "
                                     "SIGINT/SIGTERM, which drains in-flight\n"
                                     "events and flushes every sink before exiting. Exit code 0 on "
                                     "a clean end, 1 when the pipeline\n"
                                     "file has problems, 3 when a component failed.");
  static std::string file;
  static std::string summary_interval;
  static std::string shutdown_timeout = "30s";
  static std::string admin_address;
  cmd->add_option("FILE", file, "Pipeline file (YAML)")->required();
  cmd->add_option(
      "--summary-interval", summary_interval,
      "Print a live per-component summary to stderr this often, e.g. 2s; 0s turns it off "
      "(default: 5s on a terminal, off otherwise)");
  cmd->add_option("--shutdown-timeout", shutdown_timeout,
                  "How long a failing sink may keep retrying after a stop request")
      ->capture_default_str();
  cmd->add_option(
      "--admin-address", admin_address,
      "host:port of the admin API (/metrics, /health, /ready, /api/v1/components), overriding "
      "observe.address; port 0 picks a free one");
  cmd->callback([exit_code] {
    Diagnostics diagnostics;
    auto config = load_pipeline_file(file, runtime::Registry::builtin(), diagnostics);
    if (!config) {
      std::fputs(diagnostics.format().c_str(), stderr);
      std::fprintf(stderr, "%s: %zu problem%s found; nothing was run\n", file.c_str(),
                   diagnostics.size(), diagnostics.size() == 1 ? "" : "s");
      *exit_code = kExitInvalidPipeline;
      return;
    }
    apply_logging_settings(config->observe);
    const std::string admin =
        !admin_address.empty() ? admin_address : config->observe.get_string("address");
    std::optional<ListenAddress> admin_listen;
    if (!admin.empty()) {
      auto parsed = parse_listen_address(admin);
      if (!parsed) {
        std::fprintf(stderr, "sluice run: --admin-address: %s\n",
                     parsed.status().message().c_str());
        *exit_code = kExitUsage;
        return;
      }
      admin_listen = *parsed;
    }
    runtime::RunOptions options;
    // Opened before anything runs: a pipeline does not run unaudited.
    auto state_keys = runtime::load_log_keys(*config);
    auto audit = state_keys ? governance::AuditLog::open(config->data_dir, *state_keys,
                                                         runtime::state_key_id(*config))
                            : Result<std::unique_ptr<governance::AuditLog>>(state_keys.status());
    if (!audit) {
      spdlog::error("cannot start the pipeline: {}", audit.status().message());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    options.audit = audit->get();
    std::unique_ptr<observe::Tracer> tracer;
    if (const std::string endpoint = config->observe.get_string("trace_endpoint");
        !endpoint.empty()) {
      observe::Tracer::Options t;
      t.endpoint = endpoint;
      t.sampling = config->observe.get_float("trace_sampling");
      t.ca_file = config->observe.get_string("trace_ca_file");
      t.resource.service_version = SLUICE_VERSION;
      t.resource.pipeline = file;
      tracer = std::make_unique<observe::Tracer>(std::move(t));
      options.tracer = tracer.get();
    }
    std::string interval =
        summary_interval.empty() ? (isatty(STDERR_FILENO) ? "5s" : "0s") : summary_interval;
    auto interval_us = parse_duration_us(interval);
    auto timeout_us = parse_duration_us(shutdown_timeout);
    if (!interval_us || !timeout_us) {
      std::fprintf(stderr, "sluice run: %s\n",
                   (!interval_us ? interval_us.status() : timeout_us.status()).message().c_str());
      *exit_code = kExitUsage;
      return;
    }
    options.summary_interval_us = *interval_us;
    options.shutdown_timeout_us = *timeout_us;

    // Signals are blocked before any thread starts (building opens the log, whose
    // background thread must not receive SIGTERM); a signal during the build stops
    // the pipeline as soon as it exists.
    std::atomic<runtime::Pipeline*> target{nullptr};
    std::atomic<bool> stop_requested{false};
    SignalWatcher signals([&] {
      stop_requested.store(true);
      if (runtime::Pipeline* p = target.load()) p->request_stop();
    });
    auto pipeline = runtime::Pipeline::build(*config, runtime::Registry::builtin(), options);
    if (!pipeline) {
      spdlog::error("cannot start the pipeline: {}", pipeline.status().message());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    runtime::Pipeline& p = **pipeline;
    if (Status s = runtime::audit_pipeline_start(*config, **audit); !s.is_ok()) {
      spdlog::error("cannot start the pipeline: {}", s.message());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    target.store(&p);
    if (stop_requested.load()) p.request_stop();
    std::unique_ptr<observe::HistoryRecorder> history;
    if (const int64_t every = config->observe.get_int("history_interval"); every > 0) {
      const std::string path = config->data_dir + "/" + observe::MetricsHistory::kFileName;
      auto opened =
          observe::MetricsHistory::open(path, config->observe.get_int("history_retention"));
      if (!opened) {
        spdlog::error("cannot open the metrics history: {}", opened.status().message());
        *exit_code = kExitRuntimeFailure;
        return;
      }
      history = std::make_unique<observe::HistoryRecorder>(std::move(*opened), every,
                                                           [&p] { return p.status(); });
    }
    // What /metrics shows: the pipeline's status and how its history recording goes.
    auto status = [&p, &history, &tracer] {
      observe::PipelineStatus st = p.status();
      if (tracer) {
        const observe::Tracer::Counts counts = tracer->counts();
        st.tracing_enabled = true;
        st.spans_exported = counts.exported;
        st.spans_dropped = counts.dropped;
        st.spans_failed = counts.failed;
      }
      if (history) {
        st.history_records = history->records();
        st.history_failures = history->failures();
        st.history_enabled = true;
      }
      return st;
    };
    std::unique_ptr<observe::AdminServer> admin_server;
    if (admin_listen) {
      admin_server = std::make_unique<observe::AdminServer>(
          admin_listen->host, admin_listen->port, SLUICE_VERSION, status,
          config->observe.get_string("tls_cert"), config->observe.get_string("tls_key"));
      admin_server->add_route(observe::dashboard_route(observe::hot_tables(*config)));
      if (Status s = admin_server->start(); !s.is_ok()) {
        spdlog::error("cannot start the admin API: {}", s.message());
        *exit_code = kExitRuntimeFailure;
        return;
      }
      spdlog::info(
          "dashboard and admin API on {}://{}:{}/ (/metrics, /health, /ready, /api/v1/components)",
          admin_server->tls() ? "https" : "http",
          admin_listen->host.find(':') != std::string::npos ? "[" + admin_listen->host + "]"
                                                            : admin_listen->host,
          admin_server->port());
    }
    spdlog::info("running {} ({} components, data_dir {})", file, config->components.size(),
                 config->data_dir);
    if (history) history->start();
    if (tracer) {
      tracer->start();
      spdlog::info("tracing {:.4g}% of ingest requests (and every sampled traceparent) to {}",
                   100 * config->observe.get_float("trace_sampling"), tracer->endpoint());
    }
    Status result = p.run();
    // The last record and the last scrape see the final counters; both stop
    // before the pipeline is destroyed, since they read from it.
    if (history) history->stop();
    if (tracer) tracer->stop();  // exports the spans still waiting
    if (admin_server) admin_server->stop();
    if (!result.is_ok()) {
      spdlog::error("pipeline failed: {}", result.message());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    spdlog::info("stopped cleanly");
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli
