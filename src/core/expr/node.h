// Node: one operation of a compiled expression tree.
//
// The compiler builds nodes once; the evaluator walks them for every event. A node
// is plain data (kind, children, literal, path, function) so evaluation is one
// switch per node with no virtual calls.
#pragma once

#include <atomic>

#include <memory>
#include <vector>

#include "core/expr/expression.h"
#include "core/field_path.h"
#include "core/value.h"

namespace sluice::expr {

struct FunctionSpec;

enum class NodeKind : uint8_t {
  kLiteral,   // literal
  kPath,      // path; missing → null
  kField,     // one plain field of the event (a fast path of kPath)
  kExists,    // path exists (even if null)
  kNot,       // !children[0]
  kNegate,    // -children[0]
  kAnd,       // children[0] && children[1], short-circuit
  kOr,        // children[0] || children[1], short-circuit
  kCoalesce,  // children[0] ?? children[1]: the right side when the left is null or fails
  kBinary,    // arithmetic or comparison, see BinaryOp
  kIf,        // if children[0] { children[1] } else { children[2] }; no else → null
  kCall,      // function(children...)
  kArray,     // [children...]
  kObject,    // {keys[i]: children[i]}
  kIndex,     // children[0][children[1]]
};

enum class BinaryOp : uint8_t { kAdd, kSubtract, kMultiply, kDivide, kModulo, kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

const char* binary_op_text(BinaryOp op);

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  BinaryOp op = BinaryOp::kAdd;
  Type type = Type::kAny;  // static result type
  size_t offset = 0;       // byte offset in the expression text, for messages
  int column = 1;
  Value literal;
  FieldId field = kInvalidFieldId;
  // kField: where the field was in the last event looked at. Events of one stream
  // share their field order, so this usually finds it at once. Relaxed atomic: an
  // Expression is shared by threads, and a stale hint only costs the usual scan.
  mutable std::atomic<uint32_t> field_hint{0};
  FieldPath path;
  std::vector<const Node*> children;
  std::vector<FieldId> keys;                // kObject
  const FunctionSpec* function = nullptr;   // kCall
  std::shared_ptr<const void> prepared;     // kCall: per-call-site state built at compile time (a regex)
};

}  // namespace sluice::expr
