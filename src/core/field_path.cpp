#include "core/field_path.h"

#include <charconv>

namespace sluice {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '@';
}

// Parses a double-quoted name with JSON-style escapes at text[pos] == '"'.
Result<std::string> parse_quoted(std::string_view text, size_t& pos) {
  size_t start = pos;
  ++pos;
  std::string out;
  while (pos < text.size() && text[pos] != '"') {
    char c = text[pos];
    if (c == '\\') {
      if (pos + 1 >= text.size()) break;
      char e = text[pos + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default:
          return Status::invalid("unknown escape \\" + std::string(1, e) + " in quoted field name at offset " +
                                 std::to_string(pos));
      }
      pos += 2;
      continue;
    }
    out += c;
    ++pos;
  }
  if (pos >= text.size()) {
    return Status::invalid("unterminated quoted field name starting at offset " + std::to_string(start));
  }
  ++pos;  // closing quote
  return out;
}

Result<Value> set_in(Arena& arena, const Value& node, const std::vector<PathSegment>& segs, size_t i,
                     Value value);

Result<Value> set_child(Arena& arena, const Value& node, const std::vector<PathSegment>& segs, size_t i,
                        Value value) {
  const PathSegment& seg = segs[i];
  if (seg.is_index) {
    if (!node.is_array()) {
      return Status::invalid("cannot index " + std::string(value_type_name(node.type())) + " with [" +
                             std::to_string(seg.index) + "]");
    }
    auto items = node.as_array();
    int64_t idx = seg.index < 0 ? int64_t(items.size()) + seg.index : seg.index;
    if (idx < 0 || idx > int64_t(items.size())) {
      return Status::invalid("index [" + std::to_string(seg.index) + "] is out of range for an array of " +
                             std::to_string(items.size()));
    }
    size_t n = items.size() + (idx == int64_t(items.size()) ? 1 : 0);
    Value* copy = arena.allocate_array<Value>(n);
    for (size_t k = 0; k < items.size(); ++k) copy[k] = items[k];
    Value old = idx < int64_t(items.size()) ? items[idx] : Value();
    auto child = set_in(arena, old, segs, i + 1, value);
    if (!child) return child.status();
    copy[idx] = *child;
    return Value::array(copy, static_cast<uint32_t>(n));
  }
  if (!node.is_object() && !node.is_null()) {
    return Status::invalid("cannot set field \"" + std::string(FieldNames::name(seg.field)) + "\" inside a " +
                           value_type_name(node.type()));
  }
  auto fields = node.is_object() ? node.as_object() : std::span<const Field>();
  const Value* existing = node.find(seg.field);
  size_t n = fields.size() + (existing ? 0 : 1);
  Field* copy = arena.allocate_array<Field>(n);
  size_t k = 0;
  Value old;
  for (const Field& f : fields) {
    if (f.name == seg.field) old = f.value;
    copy[k++] = f;
  }
  auto child = set_in(arena, old, segs, i + 1, value);
  if (!child) return child.status();
  if (existing) {
    for (size_t j = 0; j < n; ++j) {
      if (copy[j].name == seg.field) copy[j].value = *child;
    }
  } else {
    copy[k] = Field{seg.field, *child};
  }
  return Value::object(copy, static_cast<uint32_t>(n));
}

Result<Value> set_in(Arena& arena, const Value& node, const std::vector<PathSegment>& segs, size_t i,
                     Value value) {
  if (i == segs.size()) return value;
  return set_child(arena, node, segs, i, value);
}

Value remove_in(Arena& arena, const Value& node, const std::vector<PathSegment>& segs, size_t i,
                bool* removed) {
  const PathSegment& seg = segs[i];
  bool last = i + 1 == segs.size();
  if (seg.is_index) {
    if (!node.is_array()) return node;
    auto items = node.as_array();
    int64_t idx = seg.index < 0 ? int64_t(items.size()) + seg.index : seg.index;
    if (idx < 0 || idx >= int64_t(items.size())) return node;
    if (last) {
      Value* copy = arena.allocate_array<Value>(items.size() - 1);
      size_t k = 0;
      for (size_t j = 0; j < items.size(); ++j) {
        if (int64_t(j) != idx) copy[k++] = items[j];
      }
      *removed = true;
      return Value::array(copy, static_cast<uint32_t>(k));
    }
    Value child = remove_in(arena, items[idx], segs, i + 1, removed);
    if (!*removed) return node;
    Value* copy = arena.allocate_array<Value>(items.size());
    for (size_t j = 0; j < items.size(); ++j) copy[j] = items[j];
    copy[idx] = child;
    return Value::array(copy, static_cast<uint32_t>(items.size()));
  }
  const Value* existing = node.find(seg.field);
  if (existing == nullptr) return node;
  auto fields = node.as_object();
  if (last) {
    Field* copy = arena.allocate_array<Field>(fields.size() - 1);
    size_t k = 0;
    for (const Field& f : fields) {
      if (f.name != seg.field) copy[k++] = f;
    }
    *removed = true;
    return Value::object(copy, static_cast<uint32_t>(k));
  }
  Value child = remove_in(arena, *existing, segs, i + 1, removed);
  if (!*removed) return node;
  Field* copy = arena.allocate_array<Field>(fields.size());
  for (size_t j = 0; j < fields.size(); ++j) {
    copy[j] = fields[j];
    if (fields[j].name == seg.field) copy[j].value = child;
  }
  return Value::object(copy, static_cast<uint32_t>(fields.size()));
}

}  // namespace

Result<FieldPath> FieldPath::parse_prefix(std::string_view text, size_t* consumed) {
  std::vector<PathSegment> segs;
  size_t pos = 0;
  bool expect_name = false;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    expect_name = true;
  }
  while (true) {
    if (pos < text.size() && text[pos] == '"') {
      auto name = parse_quoted(text, pos);
      if (!name) return name.status();
      FieldId id = FieldNames::intern(*name);
      if (id == kInvalidFieldId) return Status::exhausted("too many distinct field names");
      segs.push_back({false, id, 0});
    } else if (pos < text.size() && is_name_char(text[pos])) {
      size_t start = pos;
      while (pos < text.size() && is_name_char(text[pos])) ++pos;
      FieldId id = FieldNames::intern(text.substr(start, pos - start));
      if (id == kInvalidFieldId) return Status::exhausted("too many distinct field names");
      segs.push_back({false, id, 0});
    } else if (expect_name && !segs.empty()) {
      return Status::invalid("expected a field name after '.' at offset " + std::to_string(pos));
    }
    expect_name = false;
    // Index segments.
    while (pos < text.size() && text[pos] == '[') {
      size_t start = pos + 1;
      size_t end = text.find(']', start);
      if (end == std::string_view::npos) {
        return Status::invalid("unterminated '[' at offset " + std::to_string(pos));
      }
      int64_t index = 0;
      auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + end, index);
      if (ec != std::errc() || ptr != text.data() + end || start == end) {
        return Status::invalid("array index must be an integer at offset " + std::to_string(start));
      }
      segs.push_back({true, kInvalidFieldId, index});
      pos = end + 1;
    }
    if (pos < text.size() && text[pos] == '.' && pos + 1 < text.size() &&
        (is_name_char(text[pos + 1]) || text[pos + 1] == '"')) {
      ++pos;
      expect_name = true;
      continue;
    }
    break;
  }
  *consumed = pos;
  return FieldPath(std::move(segs));
}

Result<FieldPath> FieldPath::parse(std::string_view text) {
  if (text.empty()) return Status::invalid("empty field path");
  size_t consumed = 0;
  auto path = parse_prefix(text, &consumed);
  if (!path) return path;
  if (consumed != text.size()) {
    return Status::invalid("unexpected character '" + std::string(1, text[consumed]) + "' at offset " +
                           std::to_string(consumed) + " in field path \"" + std::string(text) + "\"");
  }
  return path;
}

std::string FieldPath::to_string() const {
  if (segments_.empty()) return ".";
  std::string out;
  for (const PathSegment& seg : segments_) {
    if (seg.is_index) {
      out += '[' + std::to_string(seg.index) + ']';
      continue;
    }
    std::string_view name = FieldNames::name(seg.field);
    bool plain = !name.empty();
    for (char c : name) plain = plain && is_name_char(c);
    out += '.';
    if (plain) {
      out += name;
    } else {
      out += '"';
      for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

const Value* lookup(const Value& root, const FieldPath& path) {
  const Value* node = &root;
  for (const PathSegment& seg : path.segments()) {
    if (seg.is_index) {
      if (!node->is_array()) return nullptr;
      auto items = node->as_array();
      int64_t idx = seg.index < 0 ? int64_t(items.size()) + seg.index : seg.index;
      if (idx < 0 || idx >= int64_t(items.size())) return nullptr;
      node = &items[idx];
    } else {
      node = node->find(seg.field);
      if (node == nullptr) return nullptr;
    }
  }
  return node;
}

Result<Value> set_path(Arena& arena, const Value& root, const FieldPath& path, Value value) {
  if (path.is_root()) {
    if (!value.is_object()) return Status::invalid("the whole event can only be set to an object");
    return value;
  }
  return set_in(arena, root, path.segments(), 0, value);
}

Value remove_path(Arena& arena, const Value& root, const FieldPath& path, bool* removed) {
  *removed = false;
  if (path.is_root()) return root;
  return remove_in(arena, root, path.segments(), 0, removed);
}

}  // namespace sluice
