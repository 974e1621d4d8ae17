#include "transform/window/distinct_counter.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "format/event_codec.h"

namespace sluice::transform {
namespace {

constexpr int kQ = 64 - DistinctCounter::kPrecision;  // bits left for the rank

// σ and τ of Ertl's estimator (section 4 of the paper), computed to convergence.
double sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1, z = x;
  for (;;) {
    x *= x;
    const double before = z;
    z += x * y;
    y += y;
    if (z == before) return z;
  }
}

double tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x;
  for (;;) {
    x = std::sqrt(x);
    const double before = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z == before) return z / 3;
  }
}

}  // namespace

uint64_t DistinctCounter::hash(const Value& value) {
  switch (value.type()) {
    case ValueType::kString: {
      // The common case (user ids, IPs) without building an encoding first; the
      // type byte keeps "1" apart from 1.
      const std::string_view s = value.as_string();
      return XXH3_64bits_withSeed(s.data(), s.size(), 0x5354);
    }
    case ValueType::kInt: {
      const int64_t v = value.as_int();
      return XXH3_64bits_withSeed(&v, sizeof v, 0x494E);
    }
    default: {
      // Other types through their binary encoding; the buffer is reused, not allocated per value.
      thread_local std::string bytes;
      bytes.clear();
      format::encode_value(value, &bytes);
      return XXH3_64bits(bytes.data(), bytes.size());
    }
  }
}

void DistinctCounter::add_hash(uint64_t h) {
  if (!registers_.empty()) {
    add_to_registers(h);
    return;
  }
  auto it = std::lower_bound(exact_.begin(), exact_.end(), h);
  if (it != exact_.end() && *it == h) return;
  exact_.insert(it, h);
  if (exact_.size() > kExactLimit) to_registers();
}

void DistinctCounter::add_to_registers(uint64_t h) {
  const size_t index = h >> kQ;
  // Rank: position of the first 1 in the remaining q bits (q + 1 when they are all 0).
  const uint64_t rest = h << kPrecision;
  const uint8_t rank =
      rest == 0 ? static_cast<uint8_t>(kQ + 1) : static_cast<uint8_t>(std::countl_zero(rest) + 1);
  if (rank > registers_[index]) registers_[index] = rank;
}

void DistinctCounter::to_registers() {
  registers_.assign(kRegisters, 0);
  for (uint64_t h : exact_) add_to_registers(h);
  exact_.clear();
  exact_.shrink_to_fit();
}

void DistinctCounter::merge(const DistinctCounter& other) {
  if (other.registers_.empty()) {
    for (uint64_t h : other.exact_) add_hash(h);
    return;
  }
  if (registers_.empty()) to_registers();
  for (size_t i = 0; i < kRegisters; ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

uint64_t DistinctCounter::estimate() const {
  if (registers_.empty()) return exact_.size();
  int histogram[kQ + 2] = {};
  for (uint8_t r : registers_) ++histogram[r];
  const double m = static_cast<double>(kRegisters);
  double x = m * tau(1 - histogram[kQ + 1] / m);
  for (int k = kQ; k >= 1; --k) x = (x + histogram[k]) * 0.5;
  x += m * sigma(histogram[0] / m);
  const double alpha_infinity = 1 / (2 * std::log(2.0));
  return static_cast<uint64_t>(std::llround(alpha_infinity * m * m / x));
}

size_t DistinctCounter::memory_bytes() const {
  return sizeof(*this) + exact_.capacity() * sizeof(uint64_t) + registers_.capacity();
}

void DistinctCounter::save(ByteWriter& w) const {
  if (registers_.empty()) {
    w.u64(0);
    w.u64(exact_.size());
    for (uint64_t h : exact_) w.f64(std::bit_cast<double>(h));
  } else {
    w.u64(1);
    w.bytes(std::string_view(reinterpret_cast<const char*>(registers_.data()), registers_.size()));
  }
}

bool DistinctCounter::load(ByteReader& r) {
  const uint64_t mode = r.u64();
  exact_.clear();
  registers_.clear();
  if (mode == 0) {
    const uint64_t n = r.count(8);
    if (n > kExactLimit) r.fail();
    if (!r.ok()) return false;
    exact_.resize(n);
    for (uint64_t& h : exact_) h = std::bit_cast<uint64_t>(r.f64());
    if (!std::is_sorted(exact_.begin(), exact_.end())) r.fail();
    return r.ok();
  }
  const std::string_view bytes = r.bytes();
  if (mode != 1 || bytes.size() != kRegisters) r.fail();
  if (!r.ok()) return false;
  registers_.assign(bytes.begin(), bytes.end());
  for (uint8_t& v : registers_) v = std::min<uint8_t>(v, kQ + 1);
  return true;
}

}  // namespace sluice::transform
