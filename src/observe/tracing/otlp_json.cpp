#include "observe/tracing/otlp_json.h"

#include <algorithm>

#include "observe/json_out.h"

namespace sluice::observe {

namespace {

void string_attribute(JsonOut& j, std::string_view key, std::string_view value) {
  j.begin_object().key("key").value(key).key("value").begin_object().key("stringValue").value(value).end_object().end_object();
}

struct AttributeValue {
  JsonOut& j;
  void operator()(const std::string& v) const { j.key("stringValue").value(v); }
  void operator()(int64_t v) const { j.key("intValue").value(std::to_string(v)); }
  void operator()(double v) const { j.key("doubleValue").value(v); }
  void operator()(bool v) const { j.key("boolValue").value(v); }
};

}  // namespace

std::string encode_otlp_json(const TraceResource& resource, const std::vector<Span>& spans) {
  JsonOut j;
  j.begin_object().key("resourceSpans").begin_array().begin_object();
  j.key("resource").begin_object().key("attributes").begin_array();
  string_attribute(j, "service.name", resource.service_name);
  if (!resource.service_version.empty()) string_attribute(j, "service.version", resource.service_version);
  if (!resource.pipeline.empty()) string_attribute(j, "sluice.pipeline", resource.pipeline);
  j.end_array().end_object();
  j.key("scopeSpans").begin_array().begin_object();
  j.key("scope").begin_object().key("name").value("sluice");
  if (!resource.service_version.empty()) j.key("version").value(resource.service_version);
  j.end_object();
  j.key("spans").begin_array();
  for (const Span& s : spans) {
    j.begin_object();
    j.key("traceId").value(hex_id(s.context.trace_id));
    j.key("spanId").value(hex_id(s.context.span_id));
    const bool root = std::all_of(s.parent_span_id.begin(), s.parent_span_id.end(), [](uint8_t b) { return b == 0; });
    if (!root) j.key("parentSpanId").value(hex_id(s.parent_span_id));
    j.key("flags").value(int64_t{s.context.sampled ? 1 : 0});
    j.key("name").value(s.name);
    j.key("kind").value(static_cast<int64_t>(s.kind));
    j.key("startTimeUnixNano").value(std::to_string(s.start_unix_ns));
    j.key("endTimeUnixNano").value(std::to_string(s.end_unix_ns));
    j.key("attributes").begin_array();
    for (const auto& [key, value] : s.attributes) {
      j.begin_object().key("key").value(key).key("value").begin_object();
      std::visit(AttributeValue{j}, value);
      j.end_object().end_object();
    }
    j.end_array();
    // STATUS_CODE_OK (1) or STATUS_CODE_ERROR (2) with the message.
    j.key("status").begin_object().key("code").value(int64_t{s.error ? 2 : 1});
    if (s.error && !s.error_message.empty()) j.key("message").value(s.error_message);
    j.end_object();
    j.end_object();
  }
  j.end_array().end_object().end_array();
  j.end_object().end_array().end_object();
  return j.take();
}

}  // namespace sluice::observe
