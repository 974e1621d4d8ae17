#include "observe/histogram.h"

#include <algorithm>
#include <cmath>

namespace sluice::observe {

Histogram::Histogram(std::vector<double> bounds_seconds)
    : bounds_(std::move(bounds_seconds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe_seconds(double seconds, uint64_t times) {
  if (!(seconds >= 0)) seconds = 0;  // NaN and clock steps backwards count as 0
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  counts_[bucket].fetch_add(times, std::memory_order_relaxed);
  count_.fetch_add(times, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<uint64_t>(std::llround(std::min(seconds, 1e6) * 1e6)) * times,
                    std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Read after the buckets: the count never falls below what the buckets show.
  s.count = std::max(running + counts_[bounds_.size()].load(std::memory_order_relaxed),
                     count_.load(std::memory_order_relaxed));
  s.sum_seconds = static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

double Histogram::quantile(const Snapshot& s, double q) {
  if (s.count == 0) return 0;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(s.count);
  uint64_t below = 0;
  double lower = 0;
  for (size_t i = 0; i < s.bounds.size(); ++i) {
    if (static_cast<double>(s.cumulative[i]) >= rank) {
      const uint64_t in_bucket = s.cumulative[i] - below;
      if (in_bucket == 0) return s.bounds[i];
      return lower + (s.bounds[i] - lower) * (rank - static_cast<double>(below)) /
                         static_cast<double>(in_bucket);
    }
    below = s.cumulative[i];
    lower = s.bounds[i];
  }
  return s.bounds.empty()
             ? 0
             : s.bounds.back();  // in the +Inf bucket: the largest finite bound, as Prometheus says
}

Histogram::Snapshot Histogram::difference(const Snapshot& later, const Snapshot& earlier) {
  if (earlier.bounds != later.bounds) return later;
  Snapshot d = later;
  // Saturating: snapshots are taken without a lock, so a bucket may run a little ahead.
  auto minus = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
  for (size_t i = 0; i < d.cumulative.size(); ++i) d.cumulative[i] = minus(later.cumulative[i], earlier.cumulative[i]);
  d.count = std::max(minus(later.count, earlier.count), d.cumulative.empty() ? 0 : d.cumulative.back());
  d.sum_seconds = std::max(0.0, later.sum_seconds - earlier.sum_seconds);
  return d;
}

void Histogram::merge(Snapshot& into, const Snapshot& other) {
  if (into.bounds.empty() && into.count == 0) {
    into = other;
    return;
  }
  if (into.bounds != other.bounds) return;
  for (size_t i = 0; i < into.cumulative.size(); ++i) into.cumulative[i] += other.cumulative[i];
  into.count += other.count;
  into.sum_seconds += other.sum_seconds;
}

std::vector<double> Histogram::latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::vector<double> Histogram::lag_buckets() {
  return {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1,    2.5,
          5,     10,    30,   60,   120, 300,  600, 1800, 3600};
}

}  // namespace sluice::observe
