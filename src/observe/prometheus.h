// PrometheusWriter: metrics in the Prometheus text exposition format (0.0.4).
//
//   # HELP sluice_component_events_in_total Events a component took in.
//   # TYPE sluice_component_events_in_total counter
//   sluice_component_events_in_total{component="clean",kind="transform",type="remap"} 1234
//
// Each family is declared once (family()), then its samples follow. Label values
// are escaped (backslash, quote, newline). Names are the caller's, and must be
// valid; the tests run `promtool check metrics` on the output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/histogram.h"

namespace sluice::observe {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class PrometheusWriter {
 public:
  enum class Type { kCounter, kGauge, kHistogram };

  void family(std::string_view name, Type type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void histogram(std::string_view name, const Labels& labels, const Histogram::Snapshot& h);

  const std::string& text() const { return out_; }

 private:
  void labels(const Labels& labels, std::string_view extra_name = {},
              std::string_view extra_value = {});
  void number(double v);
  std::string out_;
};

}  // namespace sluice::observe
