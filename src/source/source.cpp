#include "source/source.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace sluice::source {

Status SourceContext::emit(Batch& batch) {
  uint64_t refusals = 0;
  while (true) {
    Status s = append(batch);
    if (s.is_ok()) return s;
    // kUnavailable is the pipeline stopping, or a Kafka log's brokers out of reach: retried unless
    // stopping.
    if (s.code() == StatusCode::kUnavailable && stopping()) return s;
    if (s.code() != StatusCode::kResourceExhausted && s.code() != StatusCode::kUnavailable)
      return s;
    // The log is full or out of reach: wait for consumers, retention or brokers rather than drop
    // anything.
    if (refusals++ % 50 == 0) spdlog::warn("{}; waiting", s.message());
    if (!sleep_until_us(steady_now_us() + 100'000))
      return Status::unavailable("the pipeline is stopping");
  }
}

std::vector<OptionSpec> event_time_options() {
  return {
      OptionSpec::optional("time_field", OptionType::kString, "",
                           "Field holding the event time (e.g. .timestamp); empty or absent in an "
                           "event: ingest time."),
      OptionSpec::optional(
          "time_format", OptionType::kEnum, "auto",
          "How time_field is written: auto (RFC 3339 string, or epoch number with the unit its "
          "size implies), rfc3339, unix_s, unix_ms, unix_us, unix_ns.")
          .one_of({"auto", "rfc3339", "unix_s", "unix_ms", "unix_us", "unix_ns"}),
  };
}

std::string check_event_time_options(const OptionValues& o) {
  if (o.has("time_field") && !o.get_string("time_field").empty()) {
    auto path = FieldPath::parse(o.get_string("time_field"));
    if (!path) return "time_field: " + path.status().message();
  }
  return "";
}

std::optional<EventTime> event_time_from(const OptionValues& o) {
  if (!o.has("time_field") || o.get_string("time_field").empty()) return std::nullopt;
  return EventTime(FieldPath::parse(o.get_string("time_field")).value(),
                   *parse_time_format(o.get_string("time_format")));
}

}  // namespace sluice::source
