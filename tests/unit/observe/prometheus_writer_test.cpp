#include <gtest/gtest.h>

#include <cmath>

#include "observe/prometheus.h"

namespace sluice::observe {
namespace {

TEST(PrometheusWriter, WritesFamiliesAndEscapesLabelValues) {
  PrometheusWriter w;
  w.family("sluice_x_total", PrometheusWriter::Type::kCounter, "Things; with a \\ and a\nnewline.");
  w.sample("sluice_x_total", {{"component", "a\"b\\c\nd"}}, 3);
  w.sample("sluice_x_total", {}, 0.25);
  EXPECT_EQ(w.text(),
            "# HELP sluice_x_total Things; with a \\\\ and a\\nnewline.\n"
            "# TYPE sluice_x_total counter\n"
            "sluice_x_total{component=\"a\\\"b\\\\c\\nd\"} 3\n"
            "sluice_x_total 0.25\n");
}

TEST(PrometheusWriter, HistogramHasBucketsInfSumAndCount) {
  Histogram h({0.5, 1});
  h.observe_seconds(0.25);
  h.observe_seconds(0.75);
  h.observe_seconds(3);
  PrometheusWriter w;
  w.family("lat_seconds", PrometheusWriter::Type::kHistogram, "Latency.");
  w.histogram("lat_seconds", {{"server", "api"}}, h.snapshot());
  EXPECT_EQ(w.text(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{server=\"api\",le=\"0.5\"} 1\n"
            "lat_seconds_bucket{server=\"api\",le=\"1\"} 2\n"
            "lat_seconds_bucket{server=\"api\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{server=\"api\"} 4\n"
            "lat_seconds_count{server=\"api\"} 3\n");
}

TEST(PrometheusWriter, NonFiniteValuesUseTheFormatsSpelling) {
  PrometheusWriter w;
  w.sample("g", {}, std::nan(""));
  w.sample("g", {}, 1.0 / 0.0);
  w.sample("g", {}, -1.0 / 0.0);
  EXPECT_EQ(w.text(), "g NaN\ng +Inf\ng -Inf\n");
}

}  // namespace
}  // namespace sluice::observe
