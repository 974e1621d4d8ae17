#include "transform/window/ddsketch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sluice::transform {
namespace {

constexpr double kGamma = (1 + DDSketch::kRelativeAccuracy) / (1 - DDSketch::kRelativeAccuracy);
const double kInverseLogGamma = 1.0 / std::log(kGamma);
constexpr double kMinMagnitude = 1e-9;

}  // namespace

int32_t DDSketch::index_of(double magnitude) {
  return static_cast<int32_t>(std::ceil(std::log(magnitude) * kInverseLogGamma));
}

double DDSketch::value_of(int32_t index) {
  return 2 * std::pow(kGamma, index) / (kGamma + 1);
}

void DDSketch::Store::add(int32_t index, uint64_t n) {
  if (counts.empty()) {
    first = index;
    counts.assign(1, 0);
  } else if (index < first) {
    const int32_t last = first + static_cast<int32_t>(counts.size()) - 1;
    if (last - index >= kMaxBuckets) {
      // Out of room below: this value joins the lowest bucket kept.
      index = first;
    } else {
      // Grow downwards with slack so a slowly falling minimum does not copy every time.
      const int32_t grow = std::min<int32_t>(
          std::max<int32_t>(first - index, static_cast<int32_t>(counts.size()) / 2),
          kMaxBuckets - static_cast<int32_t>(counts.size()));
      counts.insert(counts.begin(), static_cast<size_t>(grow), 0);
      first -= grow;
    }
  } else if (index >= first + static_cast<int32_t>(counts.size())) {
    const int32_t needed = index - first + 1;
    if (needed > kMaxBuckets) {
      // Out of room above: collapse the lowest buckets so the tail keeps its accuracy.
      const int32_t shift = needed - kMaxBuckets;
      uint64_t collapsed = 0;
      for (int32_t i = 0; i < shift && i < static_cast<int32_t>(counts.size()); ++i)
        collapsed += counts[i];
      counts.erase(counts.begin(), counts.begin() + std::min<size_t>(shift, counts.size()));
      first += shift;
      if (counts.empty()) counts.assign(1, 0);
      counts[0] += collapsed;
    }
    counts.resize(static_cast<size_t>(index - first + 1), 0);
  }
  counts[static_cast<size_t>(index - first)] += n;
}

void DDSketch::Store::merge(const Store& other) {
  // Highest first, so a collapse caused by the merge happens before the low buckets land.
  for (size_t i = other.counts.size(); i-- > 0;) {
    if (other.counts[i] != 0) add(other.first + static_cast<int32_t>(i), other.counts[i]);
  }
}

void DDSketch::add(double value) {
  if (std::isnan(value)) return;
  ++count_;
  if (value > kMinMagnitude) {
    positive_.add(index_of(std::min(value, std::numeric_limits<double>::max())), 1);
  } else if (value < -kMinMagnitude) {
    negative_.add(index_of(std::min(-value, std::numeric_limits<double>::max())), 1);
  } else {
    ++zeros_;
  }
}

void DDSketch::merge(const DDSketch& other) {
  positive_.merge(other.positive_);
  negative_.merge(other.negative_);
  zeros_ += other.zeros_;
  count_ += other.count_;
}

double DDSketch::quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * static_cast<double>(count_ - 1);
  double seen = 0;
  // Most negative first: the negative store by falling magnitude.
  for (size_t i = negative_.counts.size(); i-- > 0;) {
    seen += static_cast<double>(negative_.counts[i]);
    if (seen > rank) return -value_of(negative_.first + static_cast<int32_t>(i));
  }
  seen += static_cast<double>(zeros_);
  if (seen > rank) return 0;
  for (size_t i = 0; i < positive_.counts.size(); ++i) {
    seen += static_cast<double>(positive_.counts[i]);
    if (seen > rank) return value_of(positive_.first + static_cast<int32_t>(i));
  }
  return positive_.counts.empty()
             ? 0
             : value_of(positive_.first + static_cast<int32_t>(positive_.counts.size()) - 1);
}

size_t DDSketch::memory_bytes() const {
  return sizeof(*this) +
         (positive_.counts.capacity() + negative_.counts.capacity()) * sizeof(uint64_t);
}

void DDSketch::Store::save(ByteWriter& w) const {
  w.i64(first);
  w.u64(counts.size());
  for (uint64_t c : counts) w.u64(c);
}

bool DDSketch::Store::load(ByteReader& r) {
  first = static_cast<int32_t>(r.i64());
  const uint64_t n = r.count();
  if (n > static_cast<uint64_t>(kMaxBuckets)) r.fail();
  if (!r.ok()) return false;
  counts.resize(n);
  for (uint64_t& c : counts) c = r.u64();
  return r.ok();
}

void DDSketch::save(ByteWriter& w) const {
  w.u64(count_);
  w.u64(zeros_);
  positive_.save(w);
  negative_.save(w);
}

bool DDSketch::load(ByteReader& r) {
  count_ = r.u64();
  zeros_ = r.u64();
  return positive_.load(r) && negative_.load(r);
}

}  // namespace sluice::transform
