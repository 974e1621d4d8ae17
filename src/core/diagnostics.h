// Diagnostics: problems found while loading a pipeline, each with its place.
//
// Validation reports every problem at once, so it collects Diagnostics rather than
// stopping at the first. Printed as `file:line:column: message`, with an optional
// hint on the next line. Lines and columns are 1-based; 0 means unknown.
#pragma once

#include <string>
#include <vector>

namespace sluice {

struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:column", dropping the parts that are unknown.
  std::string to_string() const;
};

struct Diagnostic {
  SourceLocation where;
  std::string message;
  std::string hint;  // what to do about it; may be empty

  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(SourceLocation where, std::string message, std::string hint = {});
  bool empty() const { return list_.empty(); }
  size_t size() const { return list_.size(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // All diagnostics ordered by file position, one per line (hints indented below).
  std::string format() const;

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace sluice
