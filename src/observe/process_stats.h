// ProcessStats: what the operating system says about this process — CPU time,
// resident memory, open descriptors, start time — read from /proc/self.
#pragma once

#include <cstdint>

namespace sluice::observe {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  uint64_t resident_bytes = 0;
  uint64_t open_fds = 0;
  uint64_t max_fds = 0;
  double start_time_seconds = 0;  // since the Unix epoch
};

ProcessStats read_process_stats();

}  // namespace sluice::observe
