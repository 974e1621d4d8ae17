// Random: a small, fast, portable pseudo-random generator (xoshiro256**, seeded
// through splitmix64) with the few distributions the traffic model needs.
//
// Portable on purpose: std::mt19937 is portable but std::*_distribution is not, and
// generated data must be byte-identical for a given seed everywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace sluice::source {

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : state_) word = splitmix64(seed);
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, bound).
  uint64_t below(uint64_t bound) { return bound == 0 ? 0 : next_u64() % bound; }
  bool chance(double probability) { return uniform() < probability; }

  // Standard normal by the Box–Muller transform.
  double normal() {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Log-normal with the given median and shape sigma.
  double log_normal(double median, double sigma) { return median * std::exp(sigma * normal()); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace sluice::source
