// TraceContext: the W3C Trace Context of one span (trace id, span id, sampled
// flag) as it travels with a batch, and the `traceparent` header it is read from
// and written as: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>".
//
// In core, not observe, because batches carry it (core/batch.h): a traced ingest
// request's batch is followed through the log, every transform and every sink.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

struct TraceContext {
  std::array<uint8_t, 16> trace_id{};
  std::array<uint8_t, 8> span_id{};
  bool sampled = false;

  bool valid() const;  // neither id all zeros, as the W3C spec requires
  bool operator==(const TraceContext&) const = default;
};

// Parses a `traceparent` header value; nullopt when it is malformed (then the
// request starts a new trace, as the spec says). Versions above 00 are read by
// their first four fields, as the spec asks of a version-00 reader.
std::optional<TraceContext> parse_traceparent(std::string_view header);
std::string format_traceparent(const TraceContext& context);

// Lower-case hex, as OTLP's JSON encoding writes ids.
std::string hex_id(const uint8_t* bytes, size_t size);
template <size_t N>
std::string hex_id(const std::array<uint8_t, N>& id) {
  return hex_id(id.data(), N);
}

// Random ids that are never all zeros (thread-safe: one generator per thread).
std::array<uint8_t, 16> random_trace_id();
std::array<uint8_t, 8> random_span_id();

}  // namespace sluice
