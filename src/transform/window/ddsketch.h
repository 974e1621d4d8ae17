// DDSketch: quantiles with a guaranteed relative error, mergeable.
//
// A value x > 0 falls into bucket i = ceil(log_γ(x)) with γ = (1 + α) / (1 − α);
// every value of a bucket is within α of the bucket's representative 2γ^i / (γ + 1),
// so a quantile read from the sketch is within relative error α of the exact
// quantile (Masson, Rim, Lee: "DDSketch", VLDB 2019). Negative values use a mirror
// store, zero (and values below 1e-9 in magnitude) a counter. Merging two sketches
// with the same α adds their bucket counts: the merge of sketches equals the sketch
// of the union.
//
// Memory is bounded: each store keeps at most kMaxBuckets contiguous buckets; past
// that, the lowest buckets collapse into one, which only coarsens the smallest
// magnitudes (the low quantiles of positive data), never the tail.
#pragma once

#include <cstdint>
#include <vector>

#include "core/byte_codec.h"

namespace sluice::transform {

class DDSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.005;
  static constexpr int32_t kMaxBuckets = 4096;

  void add(double value);
  void merge(const DDSketch& other);
  // The q-quantile (0 ≤ q ≤ 1) by the lower rank q·(n−1); NaN when empty.
  double quantile(double q) const;
  uint64_t count() const { return count_; }
  size_t memory_bytes() const;

  void save(ByteWriter& w) const;
  bool load(ByteReader& r);

 private:
  // Counts of contiguous bucket indexes starting at `first`.
  struct Store {
    int32_t first = 0;
    std::vector<uint64_t> counts;

    void add(int32_t index, uint64_t n);
    void merge(const Store& other);
    void save(ByteWriter& w) const;
    bool load(ByteReader& r);
  };

  static int32_t index_of(double magnitude);
  static double value_of(int32_t index);

  Store positive_;
  Store negative_;  // by magnitude
  uint64_t zeros_ = 0;
  uint64_t count_ = 0;
};

}  // namespace sluice::transform
