#include "format/column_mapper.h"

namespace sluice::format {

size_t ColumnMapper::column(std::string_view name) {
  // Two paths can spell one name (a field "a.b" and a nested a → b): one column.
  auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) return it->second;
  names_.emplace_back(name);
  by_name_.emplace(std::string(name), names_.size() - 1);
  return names_.size() - 1;
}

const size_t* ColumnMapper::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &it->second;
}

uint32_t ColumnMapper::top_level(FieldId id) {
  if (id >= top_.size()) top_.resize(static_cast<size_t>(id) + 1, 0);
  if (top_[id] == 0) {
    nodes_.push_back(Node{std::string(FieldNames::name(id)), -1, {}});
    top_[id] = static_cast<uint32_t>(nodes_.size());
  }
  return top_[id] - 1;
}

uint32_t ColumnMapper::child(uint32_t node, FieldId id) {
  for (const auto& [field, index] : nodes_[node].children) {
    if (field == id) return index;
  }
  std::string name = nodes_[node].name + "." + std::string(FieldNames::name(id));
  nodes_.push_back(Node{std::move(name), -1, {}});
  const auto index = static_cast<uint32_t>(nodes_.size() - 1);
  nodes_[node].children.emplace_back(id, index);
  return index;
}

}  // namespace sluice::format
