#include "core/expr/expression.h"

#include "core/expr/compiler.h"
#include "core/expr/evaluator.h"
#include "core/expr/node.h"

namespace sluice::expr {
namespace {

void collect_paths(const Node& node, std::vector<FieldPath>* paths) {
  if (node.kind == NodeKind::kField || node.kind == NodeKind::kPath || node.kind == NodeKind::kExists) {
    bool seen = false;
    for (const FieldPath& p : *paths) seen = seen || p == node.path;
    if (!seen) paths->push_back(node.path);
  }
  for (const Node* child : node.children) collect_paths(*child, paths);
}

bool node_may_yield_bool(const Node& node) {
  if (node.type == Type::kBool) return true;
  if (node.type != Type::kAny) return false;
  switch (node.kind) {
    case NodeKind::kBinary: return node.op >= BinaryOp::kEqual;  // arithmetic yields numbers, strings, times
    case NodeKind::kNegate: return false;
    case NodeKind::kIf: return node_may_yield_bool(*node.children[1]) || node_may_yield_bool(*node.children[2]);
    case NodeKind::kCoalesce: return node_may_yield_bool(*node.children[0]) || node_may_yield_bool(*node.children[1]);
    default: return true;
  }
}

}  // namespace

const char* type_name(Type type) {
  switch (type) {
    case Type::kAny: return "any";
    case Type::kNull: return "null";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kFloat: return "float";
    case Type::kString: return "string";
    case Type::kTimestamp: return "timestamp";
    case Type::kArray: return "array";
    case Type::kObject: return "object";
  }
  return "unknown";
}

Type type_of(const Value& value) {
  switch (value.type()) {
    case ValueType::kNull: return Type::kNull;
    case ValueType::kBool: return Type::kBool;
    case ValueType::kInt: return Type::kInt;
    case ValueType::kDouble: return Type::kFloat;
    case ValueType::kString: return Type::kString;
    case ValueType::kTimestamp: return Type::kTimestamp;
    case ValueType::kArray: return Type::kArray;
    case ValueType::kObject: return Type::kObject;
  }
  return Type::kAny;
}

Expression::Expression() : literals_(std::make_unique<Arena>(1024)) {}
Expression::~Expression() = default;

std::shared_ptr<const Expression> Expression::compile(std::string_view text, std::vector<ExprError>* errors) {
  return Compiler::compile(text, errors);
}

Type Expression::result_type() const { return root_->type; }

bool Expression::may_yield_bool() const { return node_may_yield_bool(*root_); }

std::vector<FieldPath> Expression::referenced_paths() const {
  std::vector<FieldPath> paths;
  collect_paths(*root_, &paths);
  return paths;
}

bool Expression::evaluate(const Value& event, Arena& arena, Value* out, std::string* error) const {
  return evaluate_node(*root_, event, arena, out, error);
}

int Expression::test(const Value& event, Arena& arena, std::string* error) const {
  Value result;
  if (!evaluate_node(*root_, event, arena, &result, error)) return -1;
  if (!result.is_bool()) {
    *error = std::string("the condition yielded ") + value_type_name(result.type()) + ", not a boolean";
    return -1;
  }
  return result.as_bool() ? 1 : 0;
}

}  // namespace sluice::expr
