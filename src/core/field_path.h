// FieldPath: the address of a value inside an event, such as `.http.status`,
// `.tags[0]` or `."user-agent"`, and the copy-on-write edits that use it.
//
// Syntax: a leading dot is optional; segments are names (letters, digits, `_`,
// `@`), quoted names ("..." with JSON escapes) or array indexes `[n]`, where
// a negative index counts from the end. The empty path (".") is the whole event.
//
// Edits never modify existing memory: set_path() and remove_path() copy the
// objects along the path into the arena and return a new root, so the old root
// (and anyone sharing it) is unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/value.h"

namespace sluice {

struct PathSegment {
  bool is_index = false;
  FieldId field = kInvalidFieldId;
  int64_t index = 0;

  friend bool operator==(const PathSegment&, const PathSegment&) = default;
};

class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::vector<PathSegment> segments) : segments_(std::move(segments)) {}

  // Parses a whole path; errors name the byte offset of the problem.
  static Result<FieldPath> parse(std::string_view text);
  // Parses a path at the start of `text` and reports how many bytes it used; used by
  // the expression lexer, where a path is followed by more expression text.
  static Result<FieldPath> parse_prefix(std::string_view text, size_t* consumed);
  static FieldPath of_field(FieldId id) { return FieldPath({PathSegment{false, id, 0}}); }

  const std::vector<PathSegment>& segments() const { return segments_; }
  bool is_root() const { return segments_.empty(); }
  // Canonical text: `.a.b[0]."odd name"`.
  std::string to_string() const;

  friend bool operator==(const FieldPath&, const FieldPath&) = default;

 private:
  std::vector<PathSegment> segments_;
};

// The value at `path`, or nullptr if any step is missing or of the wrong type.
const Value* lookup(const Value& root, const FieldPath& path);

// A new root where `path` holds `value`. Missing objects along the path are
// created; an index past the end of an array, or a step through a scalar, is an
// error that names the step.
Result<Value> set_path(Arena& arena, const Value& root, const FieldPath& path, Value value);

// A new root without `path`; `removed` says whether anything was there.
Value remove_path(Arena& arena, const Value& root, const FieldPath& path, bool* removed);

}  // namespace sluice
