#include "core/expr/evaluator.h"

#include <limits>

#include "core/expr/function_registry.h"
#include "core/expr/operators.h"

namespace sluice::expr {
namespace {

bool located(const Node& node, std::string* error) {
  *error += " (column " + std::to_string(node.column) + ")";
  return false;
}

bool expect_bool(const Node& node, const Value& v, const char* what, std::string* error) {
  if (v.is_bool()) return true;
  *error = std::string(what) + " needs a boolean, got " + value_type_name(v.type());
  return located(node, error);
}

bool evaluate_call(const Node& node, const Value& event, Arena& arena, Value* out, std::string* error) {
  // The compiler caps arguments at 16.
  Value args[16];
  const size_t n = node.children.size();
  for (size_t i = 0; i < n; ++i) {
    if (!evaluate_node(*node.children[i], event, arena, &args[i], error)) return false;
  }
  CallContext ctx{arena, error, node.prepared.get()};
  if (!node.function->impl(ctx, std::span<const Value>(args, n), out)) return located(node, error);
  return true;
}

bool evaluate_index(const Node& node, const Value& event, Arena& arena, Value* out, std::string* error) {
  Value base, index;
  if (!evaluate_node(*node.children[0], event, arena, &base, error)) return false;
  if (!evaluate_node(*node.children[1], event, arena, &index, error)) return false;
  *out = Value::null();
  if (base.is_array() && index.is_int()) {
    auto items = base.as_array();
    int64_t i = index.as_int() < 0 ? int64_t(items.size()) + index.as_int() : index.as_int();
    if (i >= 0 && i < int64_t(items.size())) *out = items[size_t(i)];
    return true;
  }
  if (base.is_object() && index.is_string()) {
    auto id = FieldNames::find(index.as_string());
    if (id) {
      const Value* v = base.find(*id);
      if (v != nullptr) *out = *v;
    }
    return true;
  }
  if (base.is_null()) return true;  // indexing a missing value gives a missing value
  *error = std::string("cannot index ") + value_type_name(base.type()) + " with " + value_type_name(index.type());
  return located(node, error);
}

}  // namespace

bool evaluate_node(const Node& node, const Value& event, Arena& arena, Value* out, std::string* error) {
  switch (node.kind) {
    case NodeKind::kLiteral:
      *out = node.literal;
      return true;
    case NodeKind::kField: {
      const uint32_t seen = node.field_hint.load(std::memory_order_relaxed);
      uint32_t hint = seen;
      const Value* v = event.find(node.field, &hint);
      if (hint != seen) node.field_hint.store(hint, std::memory_order_relaxed);  // no write when it held
      *out = v != nullptr ? *v : Value::null();
      return true;
    }
    case NodeKind::kPath: {
      const Value* v = lookup(event, node.path);
      *out = v != nullptr ? *v : Value::null();
      return true;
    }
    case NodeKind::kExists:
      *out = Value::boolean(lookup(event, node.path) != nullptr);
      return true;
    case NodeKind::kNot: {
      Value v;
      if (!evaluate_node(*node.children[0], event, arena, &v, error)) return false;
      if (!expect_bool(node, v, "'!'", error)) return false;
      *out = Value::boolean(!v.as_bool());
      return true;
    }
    case NodeKind::kNegate: {
      Value v;
      if (!evaluate_node(*node.children[0], event, arena, &v, error)) return false;
      if (v.is_int()) {
        if (v.as_int() == std::numeric_limits<int64_t>::min()) {
          *error = "integer overflow in negation";
          return located(node, error);
        }
        *out = Value::integer(-v.as_int());
        return true;
      }
      if (v.is_double()) {
        *out = Value::floating(-v.as_double());
        return true;
      }
      *error = std::string("'-' needs a number, got ") + value_type_name(v.type());
      return located(node, error);
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      const bool is_and = node.kind == NodeKind::kAnd;
      const char* what = is_and ? "'&&'" : "'||'";
      Value left;
      if (!evaluate_node(*node.children[0], event, arena, &left, error)) return false;
      if (!expect_bool(node, left, what, error)) return false;
      if (left.as_bool() != is_and) {  // short-circuit: false && …, true || …
        *out = left;
        return true;
      }
      Value right;
      if (!evaluate_node(*node.children[1], event, arena, &right, error)) return false;
      if (!expect_bool(node, right, what, error)) return false;
      *out = right;
      return true;
    }
    case NodeKind::kCoalesce: {
      // The left side's error is discarded on purpose: `to_int(.x) ?? 0` means
      // "0 when .x is missing or not a number".
      if (evaluate_node(*node.children[0], event, arena, out, error) && !out->is_null()) return true;
      return evaluate_node(*node.children[1], event, arena, out, error);
    }
    case NodeKind::kBinary: {
      Value left, right;
      if (!evaluate_node(*node.children[0], event, arena, &left, error)) return false;
      if (!evaluate_node(*node.children[1], event, arena, &right, error)) return false;
      if (!apply_binary(node.op, left, right, arena, out, error)) return located(node, error);
      return true;
    }
    case NodeKind::kIf: {
      Value condition;
      if (!evaluate_node(*node.children[0], event, arena, &condition, error)) return false;
      if (!expect_bool(node, condition, "'if'", error)) return false;
      return evaluate_node(*node.children[condition.as_bool() ? 1 : 2], event, arena, out, error);
    }
    case NodeKind::kCall:
      return evaluate_call(node, event, arena, out, error);
    case NodeKind::kArray: {
      Value* items = arena.allocate_array<Value>(node.children.size());
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (!evaluate_node(*node.children[i], event, arena, &items[i], error)) return false;
      }
      *out = Value::array(items, uint32_t(node.children.size()));
      return true;
    }
    case NodeKind::kObject: {
      ObjectBuilder object(arena, uint32_t(node.children.size()));
      for (size_t i = 0; i < node.children.size(); ++i) {
        Value v;
        if (!evaluate_node(*node.children[i], event, arena, &v, error)) return false;
        object.append_unique(node.keys[i], v);
      }
      *out = object.finish();
      return true;
    }
    case NodeKind::kIndex:
      return evaluate_index(node, event, arena, out, error);
  }
  *error = "internal error: unknown expression node";
  return false;
}

}  // namespace sluice::expr
