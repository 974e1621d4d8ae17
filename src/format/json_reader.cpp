#include "format/json_reader.h"

#include <simdjson.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/time.h"

namespace sluice::format {
namespace {

namespace od = simdjson::ondemand;

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_integer_text(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A problem inside one document: what, and its byte offset in that document
// (npos when the problem has no single place, such as a size limit).
struct DocError {
  size_t offset = std::string_view::npos;
  std::string message;

  std::string with_byte() const {
    return offset == std::string_view::npos ? message : message + " at byte " + std::to_string(offset);
  }
};

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) return i;
    uint32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid.
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += len;
  }
  return std::string_view::npos;
}

struct JsonReader::Impl {
  explicit Impl(const JsonLimits& l) : limits(l) {}

  const JsonLimits& limits;
  // Two parsers: the DOM parser picks the best SIMD kernels at run time and reads
  // well-formed events fast; the on-demand parser (compiled for the baseline CPU)
  // is the slow path for what the DOM parser refuses — integers beyond 64 bits —
  // and the one that can say where a malformed document goes wrong.
  simdjson::dom::parser dom_parser;
  od::parser parser;
  // simdjson reads a little past the end of its input; documents are copied into
  // this buffer with that padding, reused across documents.
  std::unique_ptr<char[]> buffer;
  size_t buffer_capacity = 0;
  const char* doc_start = nullptr;
  size_t doc_size = 0;
  // Fields and items of the objects and arrays being read, as a stack shared by
  // all nesting levels; each container is copied to the arena once complete.
  std::vector<Field> field_stack;
  std::vector<Value> item_stack;
  std::vector<FieldId> id_scratch;

  // Copies `text` into the padded buffer.
  simdjson::padded_string_view pad(std::string_view text) {
    const size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
    if (needed > buffer_capacity) {
      buffer_capacity = std::max(needed, buffer_capacity * 2);
      buffer = std::make_unique<char[]>(buffer_capacity);
    }
    std::memcpy(buffer.get(), text.data(), text.size());
    std::memset(buffer.get() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    doc_start = buffer.get();
    doc_size = text.size();
    return simdjson::padded_string_view(buffer.get(), text.size(), buffer_capacity);
  }

  size_t offset_of(const char* p) const {
    if (p == nullptr || p < doc_start || p > doc_start + doc_size) return doc_size;
    return size_t(p - doc_start);
  }

  // `doc` is nullptr when iterate() itself failed: the document is unusable then.
  DocError error_at(od::document* doc, simdjson::error_code code, std::string_view text) {
    if (code == simdjson::UTF8_ERROR) {
      size_t at = find_invalid_utf8(text);
      if (at != std::string_view::npos) return {at, "invalid UTF-8"};
    }
    const char* location = nullptr;
    size_t offset = doc_size;
    if (doc != nullptr && !doc->current_location().get(location)) offset = offset_of(location);
    if (doc == nullptr) offset = code == simdjson::EMPTY ? 0 : std::string_view::npos;
    std::string what = simdjson::error_message(code);
    if (code == simdjson::TAPE_ERROR || code == simdjson::INCORRECT_TYPE) what = "malformed JSON";
    if (code == simdjson::EMPTY) what = "no JSON value (the input is empty)";
    if (code == simdjson::STRING_ERROR) what = "invalid string (bad escape or unpaired UTF-16 surrogate)";
    return {offset, what};
  }

  // ---- conversion of one value

  // Parses a floating-point token exactly. simdjson 3.0.1's on-demand parser (this
  // slow path) returns 0 for some decimals with more than 19 digits, e.g.
  // 184467440737095511e2 inside an object; strtod is exact and the path is rare.
  static double exact_double(std::string_view raw) {
    std::string text(raw);
    return std::strtod(text.c_str(), nullptr);
  }

  bool convert_number(od::value& v, Arena& arena, Value* out, DocError* error) {
    od::number number;
    const std::string_view token = trim_space(v.raw_json_token());
    if (!v.get_number().get(number)) {
      switch (number.get_number_type()) {
        case od::number_type::signed_integer:
          *out = Value::integer(number.get_int64());
          return true;
        case od::number_type::unsigned_integer: {
          uint64_t u = number.get_uint64();
          if (u <= uint64_t(INT64_MAX)) {
            *out = Value::integer(int64_t(u));
            return true;
          }
          break;  // beyond int64: keep the digits below
        }
        default:
          *out = Value::floating(exact_double(token));
          return true;
      }
    }
    std::string_view raw = token;
    if (is_integer_text(raw)) {
      std::string digits(raw);
      *out = Value::big_integer(arena, std::strtod(digits.c_str(), nullptr), arena.copy_string(raw));
      return true;
    }
    *error = {offset_of(raw.data()), "number " + std::string(raw.substr(0, 40)) + " is malformed or out of range"};
    return false;
  }

  bool convert(od::value v, uint32_t depth, Arena& arena, Value* out, DocError* error) {
    od::json_type type;
    if (auto code = v.type().get(type)) return fail(v, code, error);
    switch (type) {
      case od::json_type::object: return convert_object(v, depth + 1, arena, out, error);
      case od::json_type::array: return convert_array(v, depth + 1, arena, out, error);
      case od::json_type::number: return convert_number(v, arena, out, error);
      case od::json_type::string: {
        std::string_view s;
        if (auto code = v.get_string().get(s)) return fail(v, code, error);
        *out = Value::string(arena.copy_string(s));
        return true;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (auto code = v.get_bool().get(b)) return fail(v, code, error);
        *out = Value::boolean(b);
        return true;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto code = v.is_null().get(is_null)) return fail(v, code, error);
        if (!is_null) return fail(v, simdjson::N_ATOM_ERROR, error);
        *out = Value::null();
        return true;
      }
    }
    return fail(v, simdjson::TAPE_ERROR, error);
  }

  bool fail(od::value& v, simdjson::error_code code, DocError* error) {
    size_t offset = offset_of(v.raw_json_token().data());
    std::string what = code == simdjson::STRING_ERROR ? "invalid string (bad escape or unpaired UTF-16 surrogate)"
                       : code == simdjson::TAPE_ERROR || code == simdjson::INCORRECT_TYPE ? "malformed JSON"
                                                                                           : simdjson::error_message(code);
    *error = {offset, what};
    return false;
  }

  bool check_depth(od::value& v, uint32_t depth, DocError* error) {
    if (depth <= limits.max_depth) return true;
    size_t offset = offset_of(v.raw_json_token().data());
    *error = {offset, "nesting deeper than " + std::to_string(limits.max_depth) + " levels"};
    return false;
  }

  bool convert_object(od::value& v, uint32_t depth, Arena& arena, Value* out, DocError* error) {
    if (!check_depth(v, depth, error)) return false;
    od::object object;
    if (auto code = v.get_object().get(object)) return fail(v, code, error);
    const size_t base = field_stack.size();
    for (auto entry : object) {
      od::field field;
      if (auto code = std::move(entry).get(field)) {
        field_stack.resize(base);
        return fail(v, code, error);
      }
      std::string_view key;
      if (auto code = field.unescaped_key().get(key)) {
        field_stack.resize(base);
        return fail(v, code, error);
      }
      FieldId id = FieldNames::intern(key);
      if (id == kInvalidFieldId) {
        field_stack.resize(base);
        std::string why = key.size() > FieldNames::kMaxNameBytes
                              ? "field name of " + std::to_string(key.size()) + " bytes is over the limit of " +
                                    std::to_string(FieldNames::kMaxNameBytes)
                              : "too many distinct field names (the limit is " + std::to_string(FieldNames::kMaxNameBytes) + ")";
        size_t offset = offset_of(key.data());
        *error = {offset, why};
        return false;
      }
      Value value;
      if (!convert(field.value(), depth, arena, &value, error)) {
        field_stack.resize(base);
        return false;
      }
      field_stack.push_back({id, value});
    }
    *out = finish_object(base, arena);
    return true;
  }

  // Copies the fields above `base` into the arena, keeping the last of repeated keys.
  Value finish_object(size_t base, Arena& arena) {
    size_t n = field_stack.size() - base;
    Field* fields = arena.allocate_array<Field>(n);
    size_t kept = 0;
    if (n <= 16) {
      // Small objects: a linear scan per field is cheaper than anything clever.
      for (size_t i = base; i < field_stack.size(); ++i) {
        size_t j = 0;
        while (j < kept && fields[j].name != field_stack[i].name) ++j;
        if (j < kept) {
          fields[j].value = field_stack[i].value;
        } else {
          fields[kept++] = field_stack[i];
        }
      }
    } else {
      // Large objects: sort the ids once to find duplicates without O(n²) work.
      id_scratch.clear();
      for (size_t i = base; i < field_stack.size(); ++i) id_scratch.push_back(field_stack[i].name);
      std::sort(id_scratch.begin(), id_scratch.end());
      bool duplicates = std::adjacent_find(id_scratch.begin(), id_scratch.end()) != id_scratch.end();
      if (!duplicates) {
        std::memcpy(static_cast<void*>(fields), field_stack.data() + base, n * sizeof(Field));
        kept = n;
      } else {
        ObjectBuilder builder(arena, uint32_t(n));
        for (size_t i = base; i < field_stack.size(); ++i) builder.set(field_stack[i].name, field_stack[i].value);
        field_stack.resize(base);
        return builder.finish();
      }
    }
    field_stack.resize(base);
    return Value::object(fields, uint32_t(kept));
  }

  bool convert_array(od::value& v, uint32_t depth, Arena& arena, Value* out, DocError* error) {
    if (!check_depth(v, depth, error)) return false;
    od::array array;
    if (auto code = v.get_array().get(array)) return fail(v, code, error);
    const size_t base = item_stack.size();
    for (auto element : array) {
      od::value item;
      if (auto code = std::move(element).get(item)) {
        item_stack.resize(base);
        return fail(v, code, error);
      }
      Value value;
      if (!convert(item, depth, arena, &value, error)) {
        item_stack.resize(base);
        return false;
      }
      item_stack.push_back(value);
    }
    *out = finish_array(base, arena);
    return true;
  }

  // ---- fast path: the DOM parser

  // False when the slow path must decide (an error, a big integer, too deep).
  bool convert_dom(simdjson::dom::element e, uint32_t depth, Arena& arena, Value* out) {
    using simdjson::dom::element_type;
    switch (e.type()) {
      case element_type::OBJECT: {
        if (depth + 1 > limits.max_depth) return false;
        const size_t base = field_stack.size();
        for (simdjson::dom::key_value_pair field : simdjson::dom::object(e)) {
          FieldId id = FieldNames::intern(field.key);
          Value value;
          if (id == kInvalidFieldId || !convert_dom(field.value, depth + 1, arena, &value)) {
            field_stack.resize(base);
            return false;
          }
          field_stack.push_back({id, value});
        }
        *out = finish_object(base, arena);
        return true;
      }
      case element_type::ARRAY: {
        if (depth + 1 > limits.max_depth) return false;
        const size_t base = item_stack.size();
        for (simdjson::dom::element item : simdjson::dom::array(e)) {
          Value value;
          if (!convert_dom(item, depth + 1, arena, &value)) {
            item_stack.resize(base);
            return false;
          }
          item_stack.push_back(value);
        }
        *out = finish_array(base, arena);
        return true;
      }
      case element_type::INT64: *out = Value::integer(int64_t(e)); return true;
      case element_type::UINT64: {
        uint64_t u = uint64_t(e);
        if (u <= uint64_t(INT64_MAX)) {
          *out = Value::integer(int64_t(u));
          return true;
        }
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, u);
        *out = Value::big_integer(arena, double(u), arena.copy_string({digits, size_t(end - digits)}));
        return true;
      }
      case element_type::DOUBLE: *out = Value::floating(double(e)); return true;
      case element_type::STRING: *out = Value::string(arena.copy_string(std::string_view(e))); return true;
      case element_type::BOOL: *out = Value::boolean(bool(e)); return true;
      case element_type::NULL_VALUE: *out = Value::null(); return true;
    }
    return false;
  }

  Value finish_array(size_t base, Arena& arena) {
    const size_t n = item_stack.size() - base;
    Value* items = arena.allocate_array<Value>(n);
    if (n > 0) std::memcpy(static_cast<void*>(items), item_stack.data() + base, n * sizeof(Value));
    item_stack.resize(base);
    return Value::array(items, uint32_t(n));
  }

  bool read_fast(simdjson::padded_string_view padded, bool object_only, Arena& arena, Value* out) {
    simdjson::dom::element root;
    if (dom_parser.parse(padded.data(), padded.length(), false).get(root)) return false;
    if (object_only && root.type() != simdjson::dom::element_type::OBJECT) return false;
    return convert_dom(root, 0, arena, out);
  }

  // ---- one whole document

  bool read_document(std::string_view text, bool object_only, Arena& arena, Value* out, DocError* error) {
    if (text.size() > limits.max_event_bytes) {
      *error = {std::string_view::npos, "event of " + std::to_string(text.size()) + " bytes is over the limit of " +
                       std::to_string(limits.max_event_bytes) + " bytes"};
      return false;
    }
    simdjson::padded_string_view padded = pad(text);
    // A failed fast attempt may have left partial containers in the arena; they
    // are unreachable and freed with the batch.
    if (read_fast(padded, object_only, arena, out)) return true;
    od::document doc;
    if (auto code = parser.iterate(padded).get(doc)) {
      *error = error_at(nullptr, code, text);
      return false;
    }
    od::json_type type;
    if (auto code = doc.type().get(type)) {
      *error = error_at(&doc, code, text);
      return false;
    }
    if (object_only && type != od::json_type::object) {
      const char* kinds[] = {"array", "object", "number", "string", "boolean", "null"};
      const int index = int(type) - int(od::json_type::array);
      *error = {std::string_view::npos, std::string("expected a JSON object, got ") + (index >= 0 && index < 6 ? kinds[index] : "something else")};
      return false;
    }
    bool ok = false;
    if (type == od::json_type::object || type == od::json_type::array) {
      od::value root;
      if (auto code = doc.get_value().get(root)) {
        *error = error_at(&doc, code, text);
        return false;
      }
      ok = type == od::json_type::object ? convert_object(root, 1, arena, out, error)
                                         : convert_array(root, 1, arena, out, error);
    } else {
      ok = read_scalar_document(doc, type, arena, out, error, text);
    }
    if (!ok) {
      if (find_invalid_utf8(text) != std::string_view::npos) {
        size_t at = find_invalid_utf8(text);
        *error = {at, "invalid UTF-8"};
      }
      return false;
    }
    // simdjson checks what follows a root scalar itself; after a container, look.
    const char* location = nullptr;
    if ((type == od::json_type::object || type == od::json_type::array) && !doc.current_location().get(location) &&
        offset_of(location) < doc_size) {
      size_t offset = offset_of(location);
      *error = {offset, "unexpected content after the JSON value"};
      return false;
    }
    return true;
  }

  bool read_scalar_document(od::document& doc, od::json_type type, Arena& arena, Value* out, DocError* error,
                            std::string_view text) {
    simdjson::error_code code = simdjson::SUCCESS;
    switch (type) {
      case od::json_type::number: {
        od::number number;
        code = doc.get_number().get(number);
        if (!code) {
          if (number.is_int64()) {
            *out = Value::integer(number.get_int64());
          } else if (number.is_uint64() && number.get_uint64() <= uint64_t(INT64_MAX)) {
            *out = Value::integer(int64_t(number.get_uint64()));
          } else if (number.is_uint64()) {
            std::string_view raw = trim_space(text);
            *out = Value::big_integer(arena, double(number.get_uint64()), arena.copy_string(raw));
          } else {
            *out = Value::floating(exact_double(trim_space(text)));
          }
          return true;
        }
        std::string_view raw = trim_space(text);
        if (is_integer_text(raw)) {
          std::string digits(raw);
          *out = Value::big_integer(arena, std::strtod(digits.c_str(), nullptr), arena.copy_string(raw));
          return true;
        }
        *error = {size_t(raw.data() - text.data()), "number " + std::string(raw.substr(0, 40)) + " is malformed or out of range"};
        return false;
      }
      case od::json_type::string: {
        std::string_view s;
        code = doc.get_string().get(s);
        if (!code) {
          *out = Value::string(arena.copy_string(s));
          return true;
        }
        break;
      }
      case od::json_type::boolean: {
        bool b = false;
        code = doc.get_bool().get(b);
        if (!code) {
          *out = Value::boolean(b);
          return true;
        }
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        code = doc.is_null().get(is_null);
        if (!code && is_null) {
          *out = Value::null();
          return true;
        }
        if (!code) code = simdjson::N_ATOM_ERROR;
        break;
      }
      default: code = simdjson::TAPE_ERROR; break;
    }
    *error = error_at(&doc, code, text);
    // A root scalar is one token: point at its start.
    if (code != simdjson::UTF8_ERROR) error->offset = size_t(trim_space(text).data() - text.data());
    return false;
  }
};

JsonReader::JsonReader(JsonLimits limits) : limits_(limits), impl_(std::make_unique<Impl>(limits_)) {}
JsonReader::~JsonReader() = default;

Status JsonReader::read_value(std::string_view text, Arena& arena, Value* out) {
  DocError error;
  if (!impl_->read_document(text, false, arena, out, &error)) return Status::invalid(error.with_byte());
  return Status::ok();
}

Status JsonReader::read_object(std::string_view text, Arena& arena, Value* out) {
  DocError error;
  if (!impl_->read_document(text, true, arena, out, &error)) return Status::invalid(error.with_byte());
  return Status::ok();
}

namespace {

// Line number (1-based) of a byte offset, counted from `from` at line `line`.
size_t count_lines(std::string_view body, size_t from, size_t to, size_t line) {
  for (size_t i = from; i < to && i < body.size(); ++i) line += body[i] == '\n';
  return line;
}

// An NDJSON line's error, positioned by line and column and by body offset.
JsonError line_error(std::string_view body, std::string_view line_text, size_t index, size_t line, const DocError& error) {
  const size_t line_start = size_t(line_text.data() - body.data());
  if (error.offset == std::string_view::npos) {
    return {index, line_start, "line " + std::to_string(line) + ": " + error.message};
  }
  // Columns count from the start of the line, including leading whitespace.
  size_t column = 1 + error.offset;
  for (size_t i = line_start; i > 0 && body[i - 1] != '\n'; --i) ++column;
  return {index, line_start + error.offset,
          "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + error.message};
}

}  // namespace

Status JsonReader::read_events(std::string_view body, BodyFormat format, Batch& batch, std::vector<JsonError>* errors) {
  if (body.size() > limits_.max_body_bytes) {
    return Status::exhausted("body of " + std::to_string(body.size()) + " bytes is over the limit of " +
                             std::to_string(limits_.max_body_bytes) + " bytes");
  }
  const int64_t received_us = now_us();
  Arena& arena = batch.arena();
  std::string_view trimmed = trim_space(body);
  if (format == BodyFormat::kAuto) {
    format = !trimmed.empty() && trimmed.front() == '[' ? BodyFormat::kArray : BodyFormat::kNdjson;
  }

  if (format == BodyFormat::kObject) {
    Value v;
    DocError error;
    if (impl_->read_document(body, true, arena, &v, &error)) {
      batch.events.push_back({v, received_us});
    } else {
      errors->push_back({0, error.offset == std::string_view::npos ? 0 : error.offset, error.with_byte()});
    }
    return Status::ok();
  }

  if (format == BodyFormat::kArray) {
    Value v;
    DocError error;
    // The array is one document; its limit is the body limit, not the event limit.
    JsonLimits saved = limits_;
    limits_.max_event_bytes = limits_.max_body_bytes;
    bool ok = impl_->read_document(body, false, arena, &v, &error);
    limits_ = saved;
    if (!ok) return Status::invalid("malformed JSON array: " + error.with_byte());
    if (!v.is_array()) return Status::invalid("expected a JSON array of objects");
    size_t index = 0;
    for (const Value& item : v.as_array()) {
      if (item.is_object()) {
        batch.events.push_back({item, received_us});
      } else {
        errors->push_back({index, 0,
                           "element " + std::to_string(index) + ": expected a JSON object, got " + value_type_name(item.type())});
      }
      ++index;
    }
    return Status::ok();
  }

  // NDJSON: one object per line. A body that starts with a '{' line that is not a
  // complete object is read as one (pretty-printed) object instead.
  size_t pos = 0;
  size_t index = 0;
  size_t line = 1;
  size_t line_counted_to = 0;
  bool first = true;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view text = trim_space(body.substr(pos, end - pos));
    if (!text.empty()) {
      line = count_lines(body, line_counted_to, pos, line);
      line_counted_to = pos;
      Value v;
      DocError error;
      if (impl_->read_document(text, true, arena, &v, &error)) {
        batch.events.push_back({v, received_us});
      } else if (first && text == trim_space(trimmed.substr(0, text.size())) && text.front() == '{' &&
                 end < body.size()) {
        // Possibly one multi-line object: try the whole body.
        Value whole;
        DocError whole_error;
        if (impl_->read_document(body, true, arena, &whole, &whole_error)) {
          batch.events.push_back({whole, received_us});
          return Status::ok();
        }
        errors->push_back(line_error(body, text, index, line, error));
      } else {
        errors->push_back(line_error(body, text, index, line, error));
      }
      ++index;
      first = false;
    }
    pos = end + 1;
  }
  return Status::ok();
}

}  // namespace sluice::format
