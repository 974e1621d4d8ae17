#include "transform/anomaly/detectors.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

namespace sluice::transform::anomaly {

const char* method_name(Method m) {
  switch (m) {
    case Method::kEwmaZscore: return "ewma_zscore";
    case Method::kMad: return "mad";
    case Method::kSeasonal: return "seasonal";
  }
  return "?";
}

namespace {

double floored(double std, double expected, const DetectorOptions& o) {
  return std::max({std, std::abs(expected) * o.min_relative_std, 1e-12});
}

// Counts anomalies in a row: the model learns from a point unless it is one of
// the first kAbsorbAfter anomalies of a run.
struct Absorb {
  int in_a_row = 0;
  bool learn(bool anomalous) {
    if (!anomalous) {
      in_a_row = 0;
      return true;
    }
    return ++in_a_row > kAbsorbAfter;
  }
};

class EwmaZscore final : public SeriesModel {
 public:
  explicit EwmaZscore(const DetectorOptions& o) : o_(o) {}

  Score score(double x, int64_t) const override {
    if (n_ < o_.warmup) return {};
    return {true, mean_, (x - mean_) / floored(std::sqrt(var_), mean_, o_)};
  }

  void observe(double x, int64_t, bool anomalous) override {
    if (!absorb_.learn(anomalous)) return;
    ++n_;
    if (n_ <= o_.warmup) {  // equal weights while warming up (Welford)
      const double d = x - mean_;
      mean_ += d / static_cast<double>(n_);
      m2_ += d * (x - mean_);
      var_ = n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0;
      return;
    }
    const double d = x - mean_;
    const double step = o_.alpha * d;
    mean_ += step;
    var_ = (1 - o_.alpha) * (var_ + d * step);
  }

  double variance() const { return var_; }

  void save(ByteWriter& w) const override {
    w.u64(n_);
    w.f64(mean_);
    w.f64(var_);
    w.f64(m2_);
    w.u64(static_cast<uint64_t>(absorb_.in_a_row));
  }
  bool load(ByteReader& r) override {
    n_ = r.u64();
    mean_ = r.f64();
    var_ = r.f64();
    m2_ = r.f64();
    absorb_.in_a_row = static_cast<int>(r.u64());
    return r.ok();
  }

 private:
  const DetectorOptions& o_;
  uint64_t n_ = 0;
  double mean_ = 0, var_ = 0, m2_ = 0;
  Absorb absorb_;
};

double median_of(std::vector<double>& v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  return m;
}

class Mad final : public SeriesModel {
 public:
  explicit Mad(const DetectorOptions& o) : o_(o) {}

  Score score(double x, int64_t) const override {
    if (points_.size() < std::max<size_t>(o_.warmup, 3)) return {};
    scratch_.assign(points_.begin(), points_.end());
    const double median = median_of(scratch_);
    for (double& v : scratch_) v = std::abs(v - median);
    const double mad = median_of(scratch_);
    // 0.6745 makes the MAD of normal data comparable to a standard deviation.
    return {true, median, 0.6745 * (x - median) / floored(mad, median, o_)};
  }

  void observe(double x, int64_t, bool anomalous) override {
    if (!absorb_.learn(anomalous)) return;
    points_.push_back(x);
    if (points_.size() > o_.window) points_.pop_front();
  }

  void save(ByteWriter& w) const override {
    w.u64(points_.size());
    for (double v : points_) w.f64(v);
    w.u64(static_cast<uint64_t>(absorb_.in_a_row));
  }
  bool load(ByteReader& r) override {
    points_.clear();
    const uint64_t n = r.count(8);
    for (uint64_t i = 0; i < n && r.ok(); ++i) points_.push_back(r.f64());
    absorb_.in_a_row = static_cast<int>(r.u64());
    return r.ok() && points_.size() <= o_.window;
  }

 private:
  const DetectorOptions& o_;
  std::deque<double> points_;
  mutable std::vector<double> scratch_;
  Absorb absorb_;
};

// Additive Holt-Winters on points spaced `interval`: the seasonal slot of a point
// is its time of season. Until a whole season has been seen, an EWMA model scores
// the points (so the first day is watched too) and keeps its anomalies out of the
// season's first picture; then level, trend and slots start from the normal points
// of that season (a slot never seen starts at 0) and the EWMA's spread.
class Seasonal final : public SeriesModel {
 public:
  explicit Seasonal(const DetectorOptions& o)
      : o_(o), slots_(static_cast<size_t>(std::max<int64_t>(1, o.season_us / o.interval_us))), bootstrap_(o) {
    seasonal_.assign(slots_, 0);
    first_sum_.assign(slots_, 0);
    first_count_.assign(slots_, 0);
  }

  Score score(double x, int64_t t) const override {
    if (!initialised_) return bootstrap_.score(x, t);
    const double expected = level_ + trend_ + seasonal_[slot(t)];
    return {true, expected, (x - expected) / floored(std::sqrt(residual_var_), expected, o_)};
  }

  void observe(double x, int64_t t, bool anomalous) override {
    if (!initialised_) {
      bootstrap_.observe(x, t, anomalous);
      if (first_time_ == INT64_MIN) first_time_ = t;
      if (!anomalous) {
        const size_t s = slot(t);
        first_sum_[s] += x;
        first_count_[s] += 1;
      }
      if (t - first_time_ >= o_.season_us) initialise();
      return;
    }
    if (!absorb_.learn(anomalous)) return;
    const size_t s = slot(t);
    const double forecast = level_ + trend_ + seasonal_[s];
    const double residual = x - forecast;
    // The residual spread is learnt as points come, before the model adapts to them.
    residual_var_ = (1 - kResidualWeight) * residual_var_ + kResidualWeight * residual * residual;
    ++scored_;
    const double level = o_.alpha * (x - seasonal_[s]) + (1 - o_.alpha) * (level_ + trend_);
    trend_ = o_.beta * (level - level_) + (1 - o_.beta) * trend_;
    seasonal_[s] = o_.gamma * (x - level) + (1 - o_.gamma) * seasonal_[s];
    level_ = level;
  }

  void save(ByteWriter& w) const override {
    w.u64(initialised_ ? 1 : 0);
    w.i64(first_time_);
    w.f64(level_);
    w.f64(trend_);
    w.f64(residual_var_);
    w.u64(scored_);
    w.u64(static_cast<uint64_t>(absorb_.in_a_row));
    bootstrap_.save(w);
    w.u64(slots_);
    for (size_t i = 0; i < slots_; ++i) {
      w.f64(seasonal_[i]);
      w.f64(first_sum_[i]);
      w.u64(first_count_[i]);
    }
  }
  bool load(ByteReader& r) override {
    initialised_ = r.u64() != 0;
    first_time_ = r.i64();
    level_ = r.f64();
    trend_ = r.f64();
    residual_var_ = r.f64();
    scored_ = r.u64();
    absorb_.in_a_row = static_cast<int>(r.u64());
    if (!bootstrap_.load(r)) return false;
    if (r.u64() != slots_) return false;
    for (size_t i = 0; i < slots_ && r.ok(); ++i) {
      seasonal_[i] = r.f64();
      first_sum_[i] = r.f64();
      first_count_[i] = r.u64();
    }
    return r.ok();
  }

 private:
  static constexpr double kResidualWeight = 0.05;

  size_t slot(int64_t t) const {
    const int64_t step = t >= 0 ? t / o_.interval_us : (t - o_.interval_us + 1) / o_.interval_us;
    return static_cast<size_t>(((step % static_cast<int64_t>(slots_)) + static_cast<int64_t>(slots_)) %
                               static_cast<int64_t>(slots_));
  }

  void initialise() {
    double sum = 0;
    uint64_t count = 0;
    for (size_t i = 0; i < slots_; ++i) {
      sum += first_sum_[i];
      count += first_count_[i];
    }
    level_ = count ? sum / static_cast<double>(count) : 0;
    for (size_t i = 0; i < slots_; ++i) {
      seasonal_[i] = first_count_[i] ? first_sum_[i] / static_cast<double>(first_count_[i]) - level_ : 0;
    }
    // The EWMA's spread also holds the season's swing: an upper bound to start from.
    residual_var_ = bootstrap_.variance();
    initialised_ = true;
  }

  const DetectorOptions& o_;
  size_t slots_;
  std::vector<double> seasonal_, first_sum_;
  std::vector<uint64_t> first_count_;
  EwmaZscore bootstrap_;
  bool initialised_ = false;
  int64_t first_time_ = INT64_MIN;
  double level_ = 0, trend_ = 0, residual_var_ = 0;
  uint64_t scored_ = 0;
  Absorb absorb_;
};

}  // namespace

std::unique_ptr<SeriesModel> make_series_model(const DetectorOptions& options) {
  switch (options.method) {
    case Method::kEwmaZscore: return std::make_unique<EwmaZscore>(options);
    case Method::kMad: return std::make_unique<Mad>(options);
    case Method::kSeasonal: return std::make_unique<Seasonal>(options);
  }
  return nullptr;
}

}  // namespace sluice::transform::anomaly
