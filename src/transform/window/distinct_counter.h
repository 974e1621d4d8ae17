// DistinctCounter: how many different values a window saw, in bounded memory.
//
// Values are hashed to 64 bits (XXH3 of their binary encoding, so 1 and 1.0 and
// "1" stay different). Up to kExactLimit hashes are kept exactly (a sorted vector:
// small windows and many keys cost little); past that, the counter becomes a
// HyperLogLog with 2^14 registers (standard error 0.81%), estimated with Ertl's
// improved estimator ("New cardinality estimation algorithms for HyperLogLog
// sketches", 2017), which needs no empirical bias tables and stays unbiased
// from small to huge cardinalities. Merging two counters equals counting the union.
#pragma once

#include <cstdint>
#include <vector>

#include "core/byte_codec.h"
#include "core/value.h"

namespace sluice::transform {

class DistinctCounter {
 public:
  static constexpr size_t kExactLimit = 1024;
  static constexpr int kPrecision = 14;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;

  static uint64_t hash(const Value& value);

  void add_hash(uint64_t hash);
  void add(const Value& value) { add_hash(hash(value)); }
  void merge(const DistinctCounter& other);
  uint64_t estimate() const;
  bool exact() const { return registers_.empty(); }
  size_t memory_bytes() const;

  void save(ByteWriter& w) const;
  bool load(ByteReader& r);

 private:
  void to_registers();
  void add_to_registers(uint64_t hash);

  std::vector<uint64_t> exact_;  // sorted, unique; used while registers_ is empty
  std::vector<uint8_t> registers_;
};

}  // namespace sluice::transform
