// libFuzzer target: arbitrary bytes as JSON. Reading must never crash; every
// value it accepts must write back to JSON that reads to an equal value; and a
// body read as events must account for every event (kept or reported).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "format/json_reader.h"
#include "format/json_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sluice::format::JsonReader reader(sluice::format::JsonLimits{32, 1 << 16, 1 << 20});
  sluice::Arena arena;
  sluice::Value value;
  if (reader.read_value(text, arena, &value).is_ok()) {
    std::string written = sluice::format::to_json(value);
    sluice::Value again;
    sluice::Status s = reader.read_value(written, arena, &again);
    if (!s.is_ok() || !(again == value) || sluice::format::to_json(again) != written) std::abort();
  }
  sluice::Batch batch;
  std::vector<sluice::format::JsonError> errors;
  if (reader.read_events(text, sluice::format::BodyFormat::kAuto, batch, &errors).is_ok()) {
    for (const auto& e : errors) {
      if (e.message.empty() || e.byte_offset > size) std::abort();
    }
    for (const auto& event : batch.events) {
      if (!event.fields.is_object()) std::abort();
    }
  }
  return 0;
}
