#include "format/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/time.h"

namespace sluice::format {
namespace {

// Which bytes need escaping: control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

struct EscapeTable {
  bool table[256];
  constexpr EscapeTable() : table() {
    for (int c = 0; c < 256; ++c) table[c] = needs_escape(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscape;

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

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  out += '"';
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* run = p;
    while (p < end && !kEscape.table[static_cast<unsigned char>(*p)]) ++p;
    out.append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    unsigned char c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, 6);
      }
    }
  }
  out += '"';
}

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
        append_json_string(FieldNames::name(field.name), out);
        out += ':';
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
