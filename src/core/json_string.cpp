#include "core/json_string.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace sluice {
namespace {

// Which bytes need escaping: control characters, '"' and '\\'.
constexpr bool needs_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

struct EscapeTable {
  bool table[256];
  constexpr EscapeTable() : table() {
    for (int c = 0; c < 256; ++c) table[c] = needs_escape(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscape;

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
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, 6);
      }
    }
  }
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

}  // namespace sluice
