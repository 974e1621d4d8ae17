// JsonReader: JSON text to events, with simdjson.
//
// Reads one value, one object, or a request body of many events (a JSON array,
// NDJSON, or a single object) into Values whose memory is in the caller's arena.
// Numbers keep their kind: `1` is an int, `1.0` a float, and an integer beyond
// int64 keeps its exact digits (Value::big_integer). Strings are validated as
// UTF-8; escapes and surrogate pairs are decoded. A repeated key keeps the last
// value, as most JSON readers do.
//
// Bad input never throws and never stops the other events of a body: each bad
// event becomes a JsonError that names its position (event index, byte offset,
// line), and the good ones are kept. Limits on depth, event size and body size
// are enforced with clear messages.
//
// Not thread-safe: one reader per thread (it reuses its parser and buffers, so
// steady-state reading does not allocate on the heap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/batch.h"
#include "core/status.h"
#include "core/value.h"

namespace sluice::format {

struct JsonLimits {
  uint32_t max_depth = 64;                // nesting of arrays and objects
  size_t max_event_bytes = 1 << 20;       // one object / NDJSON line
  size_t max_body_bytes = size_t(64) << 20;  // a whole request body
};

enum class BodyFormat {
  kAuto,    // '[' → array; otherwise NDJSON (one object per line), or one multi-line object
  kObject,  // exactly one object
  kArray,   // a JSON array of objects
  kNdjson,  // one object per line; blank lines are skipped
};

struct JsonError {
  size_t index = 0;        // event number in the body, 0-based
  size_t byte_offset = 0;  // where in the body the problem is
  std::string message;     // says what and where, e.g. "line 3: expected ..."
};

class JsonReader {
 public:
  explicit JsonReader(JsonLimits limits = {});
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Any JSON value.
  Status read_value(std::string_view text, Arena& arena, Value* out);
  // Exactly one JSON object.
  Status read_object(std::string_view text, Arena& arena, Value* out);

  // Appends one Event per good event of `body` to batch.events (memory in
  // batch.arena()) and one JsonError per bad one to *errors. Returns an error
  // only when the body as a whole is unusable (over max_body_bytes, or a JSON
  // array that is malformed, so its events cannot be told apart).
  Status read_events(std::string_view body, BodyFormat format, Batch& batch, std::vector<JsonError>* errors);

  const JsonLimits& limits() const { return limits_; }

 private:
  struct Impl;
  JsonLimits limits_;
  std::unique_ptr<Impl> impl_;
};

// Byte offset of the first byte that is not valid UTF-8, or npos if all is valid.
size_t find_invalid_utf8(std::string_view text);

}  // namespace sluice::format
