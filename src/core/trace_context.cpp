#include "core/trace_context.h"

#include <algorithm>
#include <random>

namespace sluice {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is invalid in traceparent
}

template <size_t N>
bool parse_hex(std::string_view text, std::array<uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  for (size_t i = 0; i < N; ++i) {
    const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

template <size_t N>
bool all_zero(const std::array<uint8_t, N>& id) {
  return std::all_of(id.begin(), id.end(), [](uint8_t b) { return b == 0; });
}

std::mt19937_64& generator() {
  thread_local std::mt19937_64 g{std::random_device{}()};
  return g;
}

template <size_t N>
std::array<uint8_t, N> random_id() {
  std::array<uint8_t, N> id{};
  do {
    for (size_t i = 0; i < N; i += 8) {
      const uint64_t r = generator()();
      for (size_t j = 0; j < 8 && i + j < N; ++j) id[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
  } while (all_zero(id));
  return id;
}

}  // namespace

bool TraceContext::valid() const {
  return !all_zero(trace_id) && !all_zero(span_id);
}

std::optional<TraceContext> parse_traceparent(std::string_view h) {
  // Trailing and leading spaces are allowed around a header value.
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::array<uint8_t, 1> version{}, flags{};
  if (!parse_hex(h.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append "-…" fields.
  if (version[0] == 0 ? h.size() != 55 : (h.size() > 55 && h[55] != '-')) return std::nullopt;
  TraceContext c;
  if (!parse_hex(h.substr(3, 32), c.trace_id) || !parse_hex(h.substr(36, 16), c.span_id) ||
      !parse_hex(h.substr(53, 2), flags) || !c.valid()) {
    return std::nullopt;
  }
  c.sampled = (flags[0] & 1) != 0;
  return c;
}

std::string format_traceparent(const TraceContext& c) {
  return "00-" + hex_id(c.trace_id) + "-" + hex_id(c.span_id) + (c.sampled ? "-01" : "-00");
}

std::string hex_id(const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

std::array<uint8_t, 16> random_trace_id() {
  return random_id<16>();
}

std::array<uint8_t, 8> random_span_id() {
  return random_id<8>();
}

}  // namespace sluice
