#include "format/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/json_string.h"
#include "core/time.h"

namespace sluice::format {
namespace {

void append_double(double d, std::string& out) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  (void)ec;
  size_t n = static_cast<size_t>(end - buf);
  out.append(buf, n);
  // Keep the value a double when read back: "2" would come back as an integer.
  if (std::memchr(buf, '.', n) == nullptr && std::memchr(buf, 'e', n) == nullptr) out += ".0";
}

// `"name":` of every field name met so far, by id: object keys repeat in every event,
// so each is escaped once per thread and then copied in one piece.
void append_key(FieldId id, std::string& out) {
  thread_local std::vector<std::string> keys;
  if (id >= keys.size()) keys.resize(static_cast<size_t>(id) + 1);
  std::string& key = keys[id];
  if (key.empty()) {
    append_json_string(FieldNames::name(id), key);
    key += ':';
  }
  out += key;
}

}  // namespace

void append_json(const Value& value, std::string& out) {
  switch (value.type()) {
    case ValueType::kNull: out += "null"; return;
    case ValueType::kBool: out += value.as_bool() ? "true" : "false"; return;
    case ValueType::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value.as_int());
      (void)ec;
      out.append(buf, static_cast<size_t>(end - buf));
      return;
    }
    case ValueType::kDouble: {
      std::string_view digits = value.big_integer_digits();
      if (!digits.empty()) {
        out += digits;
      } else {
        append_double(value.as_double(), out);
      }
      return;
    }
    case ValueType::kString: append_json_string(value.as_string(), out); return;
    case ValueType::kTimestamp: {
      char buf[kRfc3339MaxBytes];
      size_t n = format_rfc3339(value.as_timestamp_us(), buf);
      out += '"';
      out.append(buf, n);
      out += '"';
      return;
    }
    case ValueType::kArray: {
      out += '[';
      bool first = true;
      for (const Value& item : value.as_array()) {
        if (!first) out += ',';
        first = false;
        append_json(item, out);
      }
      out += ']';
      return;
    }
    case ValueType::kObject: {
      out += '{';
      bool first = true;
      for (const Field& field : value.as_object()) {
        if (!first) out += ',';
        first = false;
        append_key(field.name, out);
        append_json(field.value, out);
      }
      out += '}';
      return;
    }
  }
}

void append_ndjson_line(const Event& event, std::string& out) {
  append_json(event.fields, out);
  out += '\n';
}

std::string to_json(const Value& value) {
  std::string out;
  append_json(value, out);
  return out;
}

}  // namespace sluice::format
