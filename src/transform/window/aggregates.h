// Aggregates: the per-window accumulators of a window transform.
//
// AggregateSet is compiled once from the window's `aggregates:` option. For each
// event it evaluates every argument first (evaluate()), so an event whose argument
// fails (a type error, a string where a number is needed) is dead-lettered whole and
// never half-counted; then apply() adds the evaluated values to one window pane.
// Nulls and missing fields are skipped, as SQL aggregates skip NULL.
//
// Every accumulator is mergeable (counts and sums add, Welford moments combine,
// first/last compare event times, sketches merge), which is what lets a hopping
// window be the merge of its tumbling panes and a session merge with its neighbour.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/byte_codec.h"
#include "core/config/aggregate_call.h"
#include "core/value.h"
#include "transform/window/ddsketch.h"
#include "transform/window/distinct_counter.h"

namespace sluice::transform {

struct Accumulator {
  uint64_t n = 0;           // values counted (count, count_if, numeric aggregates)
  int64_t int_sum = 0;      // sum while every value is an integer and it fits
  double sum = 0;           // sum as a double (always kept)
  bool integral = true;     // every value so far an integer, int_sum exact
  double mean = 0, m2 = 0;  // Welford's running moments for stddev
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int64_t time_us = 0;  // first/last: event time of the kept value
  std::string value;    // first/last: the kept value, binary-encoded
  std::unique_ptr<DDSketch> sketch;
  std::unique_ptr<DistinctCounter> distinct;
};

class AggregateSet {
 public:
  explicit AggregateSet(std::vector<AggregateCall> calls);

  size_t size() const { return calls_.size(); }
  const std::vector<AggregateCall>& calls() const { return calls_; }

  // Evaluates every argument for `event` into args (one per aggregate; null for
  // count()). False with *error naming the aggregate when one cannot be used.
  bool evaluate(const Value& event, Arena& arena, std::vector<Value>& args,
                std::string* error) const;
  // Adds one evaluated event (event time `time_us`) to `accumulators` (size() of them).
  void apply(const std::vector<Value>& args, int64_t time_us, Accumulator* accumulators) const;
  // accumulators += other, aggregate by aggregate.
  void merge(Accumulator* into, const Accumulator* other) const;
  // `root` with every result set under its output path; `window_us` is the
  // window's length, for rate().
  Value write_results(const Accumulator* accumulators, int64_t window_us, Arena& arena,
                      Value root) const;
  size_t memory_bytes(const Accumulator* accumulators) const;

  void save(ByteWriter& w, const Accumulator* accumulators) const;
  bool load(ByteReader& r, Accumulator* accumulators) const;

 private:
  std::vector<AggregateCall> calls_;
};

}  // namespace sluice::transform
