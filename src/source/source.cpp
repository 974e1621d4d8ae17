#include "source/source.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sluice::source {

bool SourceContext::emit(Batch&& batch) {
  uint64_t refusals = 0;
  while (true) {
    Status s = append(batch);
    if (s.is_ok()) return true;
    if (s.code() != StatusCode::kResourceExhausted) {
      if (s.code() != StatusCode::kUnavailable) spdlog::error("{}", s.message());
      return false;
    }
    // The log is full: wait for consumers or retention rather than drop anything.
    if (refusals++ % 50 == 0) spdlog::warn("{}; waiting", s.message());
    if (!sleep_until_us(steady_now_us() + 100'000)) return false;
  }
}

}  // namespace sluice::source
