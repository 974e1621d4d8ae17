// Anomaly detectors: online models of one numeric series that score each new
// point against what the series did before.
//
//   ewma_zscore  exponentially weighted mean and variance; score = (x − mean) / std
//   mad          rolling median and median absolute deviation of the last `window`
//                points; score = 0.6745 (x − median) / MAD (the modified z-score)
//   seasonal     additive Holt-Winters (level, trend, one seasonal term per slot of
//                `season` / `interval`); score = residual / EW std of residuals
//
// Each model gives no score during its warm-up (`warmup` points; seasonal: a whole
// season first). A point that scores as an anomaly does not move the model —
// otherwise a long incident would teach it that the incident is normal — unless
// kAbsorbAfter anomalies come in a row, which is then taken as a new level. A
// standard deviation never drops below `min_relative_std` of the expected value,
// so a flat series does not flag every wiggle.
//
// Models save and load their state (transform checkpoints). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/byte_codec.h"

namespace sluice::transform::anomaly {

enum class Method { kEwmaZscore, kMad, kSeasonal };

struct DetectorOptions {
  Method method = Method::kEwmaZscore;
  double alpha = 0.1;    // ewma: weight of a new point; seasonal: of the level
  double beta = 0.01;    // seasonal: trend
  double gamma = 0.2;    // seasonal: seasonal terms
  size_t window = 30;    // mad: points
  int64_t season_us = 86'400'000'000;
  int64_t interval_us = 60'000'000;  // seasonal: spacing of points
  size_t warmup = 10;
  double min_relative_std = 0.01;
};

struct Score {
  bool ready = false;  // false during warm-up: no score
  double expected = 0;
  double score = 0;
};

class SeriesModel {
 public:
  virtual ~SeriesModel() = default;
  // The score of `value` at `time_us` against the model so far.
  virtual Score score(double value, int64_t time_us) const = 0;
  // Takes the point in; `anomalous` is what its score said.
  virtual void observe(double value, int64_t time_us, bool anomalous) = 0;
  virtual void save(ByteWriter& w) const = 0;
  virtual bool load(ByteReader& r) = 0;
};

// A point this many anomalies into a row is taken as the new normal.
inline constexpr int kAbsorbAfter = 5;

std::unique_ptr<SeriesModel> make_series_model(const DetectorOptions& options);
const char* method_name(Method m);

}  // namespace sluice::transform::anomaly
