// ColumnMapper: the columns of a table-shaped sink (the Parquet lake, SQLite), and
// which column each value of an event goes to.
//
// An event's fields become columns by name. Nested objects are either flattened
// into dotted column names (`client.ip`) or, with Nested::kJson, kept whole as one
// column holding the object (the sink writes it as JSON text); arrays are always
// one column. New names become new columns on first sight, numbered densely in
// order of appearance; declared columns come first.
//
// The lookup is by interned field id, not by name: a vector indexed by FieldId for
// top-level fields and a short child list per object node, so mapping an event
// costs no hashing and no allocation once its columns are known.
//
// Not thread-safe: one sink thread owns it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/value.h"

namespace sluice::format {

class ColumnMapper {
 public:
  enum class Nested { kFlatten, kJson };

  explicit ColumnMapper(Nested nested) : nested_(nested) {}

  // The column named `name` (dotted for nested fields), added if new.
  size_t column(std::string_view name);
  // The column for `name` if it exists.
  const size_t* find(std::string_view name) const;

  size_t column_count() const { return names_.size(); }
  const std::string& column_name(size_t column) const { return names_[column]; }

  // Calls visit(column, value) for every non-null leaf of `fields` (an object), in
  // the event's field order. Fields deeper than kMaxDepth go whole into the column
  // at that depth.
  template <typename Visit>
  void for_each_column(const Value& fields, Visit&& visit) {
    for (const Field& f : fields.as_object()) visit_value(top_level(f.name), f.value, 1, visit);
  }

  static constexpr int kMaxDepth = 32;

 private:
  struct Node {
    std::string name;     // the dotted column name this node stands for
    int64_t column = -1;  // created when a scalar first arrives here
    std::vector<std::pair<FieldId, uint32_t>> children;
  };

  template <typename Visit>
  void visit_value(uint32_t node, const Value& v, int depth, Visit& visit) {
    if (v.is_null()) return;
    if (v.is_object() && nested_ == Nested::kFlatten && depth < kMaxDepth) {
      for (const Field& f : v.as_object())
        visit_value(child(node, f.name), f.value, depth + 1, visit);
      return;
    }
    visit(column_of(node), v);
  }

  uint32_t top_level(FieldId id);
  uint32_t child(uint32_t node, FieldId id);
  size_t column_of(uint32_t node) {
    if (nodes_[node].column < 0)
      nodes_[node].column = static_cast<int64_t>(column(nodes_[node].name));
    return static_cast<size_t>(nodes_[node].column);
  }

  Nested nested_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> top_;  // FieldId → node + 1 (0: none yet)
  std::vector<std::string> names_;
  std::unordered_map<std::string, size_t> by_name_;
};

}  // namespace sluice::format
