// Histogram: a distribution of durations in fixed buckets, for Prometheus.
//
// Buckets are upper bounds in seconds, chosen once; observe() adds to one bucket,
// the count and the sum with relaxed atomic adds, so any thread may observe while
// another renders. Cumulative counts (what Prometheus wants) are made when a
// snapshot is taken.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace sluice::observe {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds_seconds);

  // `times` observations of the same value: one per event of a batch that waited as long.
  void observe_seconds(double seconds, uint64_t times = 1);
  void observe_us(int64_t us, uint64_t times = 1) {
    observe_seconds(static_cast<double>(us) / 1e6, times);
  }

  struct Snapshot {
    std::vector<double> bounds;        // upper bounds, ascending
    std::vector<uint64_t> cumulative;  // per bound: observations ≤ it
    uint64_t count = 0;                // all observations (the +Inf bucket)
    double sum_seconds = 0;
  };
  Snapshot snapshot() const;
  // The value below which `quantile` (0..1) of observations fall, interpolated
  // linearly inside its bucket as Prometheus' histogram_quantile does; 0 when empty.
  static double quantile(const Snapshot& s, double quantile);
  // What was observed between two snapshots of one histogram (`earlier` may be
  // empty: everything in `later`).
  static Snapshot difference(const Snapshot& later, const Snapshot& earlier);
  // Adds `other` into `into` (histograms with the same bounds; `into` may be empty).
  static void merge(Snapshot& into, const Snapshot& other);

  // Latencies of batches and requests: 100 µs to 10 s.
  static std::vector<double> latency_buckets();
  // How far behind event time data is: 1 ms to 1 h.
  static std::vector<double> lag_buckets();

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, the last one +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};  // microseconds: an integer sum stays exact
};

}  // namespace sluice::observe
