// Compiler: tokens to a type-checked node tree.
//
// A recursive-descent parser with one function per precedence level, lowest
// first:  ||   &&   == !=   < <= > >=   ??   + -   * / %   unary ! -   postfix [ ]
// followed by the primaries (literals, paths, calls, ( ), [ ], { }, if/else).
// Types are inferred bottom-up as nodes are built, so a type error is reported
// at the operator or argument where it occurs. Syntax errors stop the parse;
// type errors are collected and the parse goes on, so one run reports them all.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/expr/expression.h"

namespace sluice::expr {

class Compiler {
 public:
  static std::shared_ptr<const Expression> compile(std::string_view text, std::vector<ExprError>* errors);
};

}  // namespace sluice::expr
