// `sluice top`: a live terminal view of a running pipeline, read from its admin API.
#include <curl/curl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/top_view.h"
#include "core/config/config_loader.h"
#include "core/units.h"
#include "runtime/registry.h"

namespace sluice::cli {

namespace {

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// How to reach the admin API: HTTPS (verified, with `ca_file` or the system's CAs)
// when the pipeline serves it with TLS.
struct Target {
  std::string address;
  bool tls = false;
  std::string ca_file;
};

// GET <scheme>://<address>/api/v1/components, with a short timeout: a hung pipeline
// shows as an error line, never as a hung viewer.
Result<std::string> fetch_components(const Target& target) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::io_error("curl_easy_init failed");
  const std::string url = (target.tls ? "https://" : "http://") + target.address + "/api/v1/components";
  if (!target.ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, target.ca_file.c_str());
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 3000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK)
    return Status::unavailable("cannot reach " + url + ": " + curl_easy_strerror(code));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Status::unavailable(url + " answered HTTP " + std::to_string(status));
  return body;
}

size_t terminal_width() {
  winsize w{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 120;
}

}  // namespace

void add_top_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("top",
                                     "A live view of a running pipeline: per component its rates "
                                     "in and out, errors, dead letters,\n"
                                     "batch latency, queue and health; consumer backlog and "
                                     "delivery latency. Reads the admin API\n"
                                     "(observe.address of the pipeline file, or --address). Exit "
                                     "code 3 when it cannot be reached.");
  static std::string address, config, interval = "2s", ca_file;
  static bool tls = false;
  static int iterations = 0;
  static bool once = false;
  cmd->add_option("-a,--address", address, "host:port of the pipeline's admin API");
  cmd->add_option("-c,--config", config, "Pipeline file whose observe.address to read");
  cmd->add_option("--interval", interval, "Time between refreshes")->capture_default_str();
  cmd->add_flag("--tls", tls, "The admin API is HTTPS (implied by -c when the pipeline sets observe.tls_cert)");
  cmd->add_option("--ca-file", ca_file, "PEM file of the CA that signed the admin API's certificate");
  cmd->add_option("-n,--iterations", iterations,
                  "Stop after this many refreshes (0: run until Ctrl-C)");
  cmd->add_flag("--once", once,
                "Print one view, with rates over one interval, and exit (for scripts)");
  cmd->callback([exit_code] {
    Target target{address, tls || !ca_file.empty(), ca_file};
    if (target.address.empty() && !config.empty()) {
      Diagnostics diagnostics;
      auto loaded = load_pipeline_file(config, runtime::Registry::builtin(), diagnostics);
      if (!loaded) {
        std::fputs(diagnostics.format().c_str(), stderr);
        *exit_code = kExitInvalidPipeline;
        return;
      }
      target.address = loaded->observe.get_string("address");
      target.tls = target.tls || !loaded->observe.get_string("tls_cert").empty();
      if (target.address.empty()) {
        std::fprintf(stderr,
                     "sluice top: %s has no observe.address: the pipeline serves no admin API\n",
                     config.c_str());
        *exit_code = kExitUsage;
        return;
      }
    }
    if (target.address.empty()) {
      std::fprintf(stderr, "sluice top: give --address host:port or -c pipeline.yaml\n");
      *exit_code = kExitUsage;
      return;
    }
    auto interval_us = parse_duration_us(interval);
    if (!interval_us || *interval_us < 100'000) {
      std::fprintf(stderr, "sluice top: --interval: expected a duration of at least 100ms\n");
      *exit_code = kExitUsage;
      return;
    }
    const bool live = !once && isatty(STDOUT_FILENO);
    const int refreshes = once ? 1 : iterations;
    std::string previous;
    if (once) {  // rates need two readings
      auto first = fetch_components(target);
      if (!first) {
        std::fprintf(stderr, "sluice top: %s\n", first.status().message().c_str());
        *exit_code = kExitRuntimeFailure;
        return;
      }
      previous = std::move(first).value();
      std::this_thread::sleep_for(std::chrono::microseconds(*interval_us));
    }
    for (int shown = 0; refreshes == 0 || shown < refreshes; ++shown) {
      if (shown > 0) std::this_thread::sleep_for(std::chrono::microseconds(*interval_us));
      auto current = fetch_components(target);
      std::string text;
      if (!current) {
        if (!live) {
          std::fprintf(stderr, "sluice top: %s\n", current.status().message().c_str());
          *exit_code = kExitRuntimeFailure;
          return;
        }
        text = "sluice top: " + current.status().message() + " (retrying)\n";
      } else {
        auto view = render_top(previous, *current, TopOptions{live, live ? terminal_width() : 0});
        if (!view) {
          std::fprintf(stderr, "sluice top: %s\n", view.status().message().c_str());
          *exit_code = kExitRuntimeFailure;
          return;
        }
        text = std::move(view).value();
        previous = std::move(current).value();
      }
      if (live) std::fputs("\033[H\033[2J", stdout);  // home and clear: redraw in place
      std::fputs(text.c_str(), stdout);
      if (!live && refreshes != 1) std::fputs("\n", stdout);
      std::fflush(stdout);
    }
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli
