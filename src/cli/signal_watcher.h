// SignalWatcher: turns SIGINT/SIGTERM into a clean stop.
//
// The constructor blocks the two signals in the calling thread, so every thread
// started afterwards inherits the mask and only the watcher's own thread receives
// them (with sigtimedwait), outside any signal-handler restrictions. The first
// signal calls `on_stop`; a second one exits at once with code 130.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace sluice::cli {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> on_stop);
  ~SignalWatcher();

 private:
  std::function<void()> on_stop_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace sluice::cli
