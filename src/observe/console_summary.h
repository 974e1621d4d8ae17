// ConsoleSummary: the live table `sluice run` prints while it runs.
//
// Each print() shows, per component, events per second in and out since the last
// print, totals, and dead-lettered and error counts, so an operator sees the data
// flow (and where it stops) without any other tool.
#pragma once

#include <chrono>
#include <cstdio>
#include <vector>

#include "observe/component_stats.h"

namespace sluice::observe {

class ConsoleSummary {
 public:
  ConsoleSummary(std::vector<const ComponentStats*> components, std::FILE* out);
  void print();
  // The table as text, for tests; advances the rate baseline like print().
  std::string render();

 private:
  std::vector<const ComponentStats*> components_;
  std::vector<StatsSnapshot> last_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_time_;
};

}  // namespace sluice::observe
