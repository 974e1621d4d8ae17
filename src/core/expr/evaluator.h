// Evaluator: runs a compiled node tree against one event.
//
// Recursive, one switch per node. Errors are returned, never thrown: the message
// says what went wrong and at which column of the expression, so a transform can
// put it on the dead-lettered event.
#pragma once

#include <string>

#include "core/arena.h"
#include "core/expr/node.h"
#include "core/value.h"

namespace sluice::expr {

bool evaluate_node(const Node& node, const Value& event, Arena& arena, Value* out, std::string* error);

}  // namespace sluice::expr
