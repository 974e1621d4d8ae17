#include "core/diagnostics.h"

#include <algorithm>

namespace sluice {

std::string SourceLocation::to_string() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  std::string out = where.to_string() + ": " + message;
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

void Diagnostics::error(SourceLocation where, std::string message, std::string hint) {
  list_.push_back(Diagnostic{std::move(where), std::move(message), std::move(hint)});
}

std::string Diagnostics::format() const {
  std::vector<const Diagnostic*> sorted;
  for (const Diagnostic& d : list_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->where.file != b->where.file) return a->where.file < b->where.file;
    if (a->where.line != b->where.line) return a->where.line < b->where.line;
    return a->where.column < b->where.column;
  });
  std::string out;
  for (const Diagnostic* d : sorted) out += d->to_string() + "\n";
  return out;
}

}  // namespace sluice
