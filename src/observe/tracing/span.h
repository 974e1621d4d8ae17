// Span: one finished operation of a trace — an ingest request, its append to the
// log, a transform's work on a batch, a sink's write — as OTLP exports it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/trace_context.h"

namespace sluice::observe {

struct Span {
  enum class Kind { kInternal = 1, kServer = 2 };  // OTLP's SpanKind numbers
  TraceContext context;                           // its own trace and span id
  std::array<uint8_t, 8> parent_span_id{};        // all zeros: a root span
  std::string name;
  Kind kind = Kind::kInternal;
  int64_t start_unix_ns = 0;
  int64_t end_unix_ns = 0;
  bool error = false;
  std::string error_message;
  std::vector<std::pair<std::string, std::variant<std::string, int64_t, double, bool>>> attributes;

  Span& attribute(std::string key, std::variant<std::string, int64_t, double, bool> value) {
    attributes.emplace_back(std::move(key), std::move(value));
    return *this;
  }
};

}  // namespace sluice::observe
