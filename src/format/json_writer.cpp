#include "format/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

// The index of the first byte of `text` that needs escaping, or text.size().
size_t plain_prefix(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1f);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // v <= 0x1f unsigned  ⇔  max(v, 0x1f) == 0x1f
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max));
    if (const int mask = _mm_movemask_epi8(special))
      return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < n && !kEscape.table[static_cast<unsigned char>(p[i])]) ++i;
  return i;
}

void append_escaped(std::string_view text, std::string& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const size_t run = plain_prefix({p, static_cast<size_t>(end - p)});
    out.append(p, run);
    p += run;
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

void append_json_string(std::string_view text, std::string& out) {
  // The common case, nothing to escape: one copy between the quotes.
  const size_t plain = plain_prefix(text);
  const size_t at = out.size();
  out.resize(at + plain + 2);
  char* dst = out.data() + at;
  dst[0] = '"';
  if (plain > 0) std::memcpy(dst + 1, text.data(), plain);  // an empty view may have no data
  if (plain == text.size()) {
    dst[plain + 1] = '"';
    return;
  }
  out.resize(at + 1 + plain);
  append_escaped(text.substr(plain), out);
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
