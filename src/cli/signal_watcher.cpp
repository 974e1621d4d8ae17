#include "cli/signal_watcher.h"

#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <ctime>

#include "cli/exit_codes.h"

namespace sluice::cli {

SignalWatcher::SignalWatcher(std::function<void()> on_stop) : on_stop_(std::move(on_stop)) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    int received = 0;
    while (!done_.load()) {
      timespec timeout{0, 200'000'000};
      int sig = sigtimedwait(&set, nullptr, &timeout);
      if (sig < 0) continue;  // timeout or EINTR: check done_
      if (++received == 1) {
        spdlog::info("received {}, stopping cleanly (send it again to exit at once)", sig == SIGINT ? "SIGINT" : "SIGTERM");
        on_stop_();
      } else {
        spdlog::warn("second signal: exiting now without draining");
        _exit(kExitInterrupted);
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace sluice::cli
