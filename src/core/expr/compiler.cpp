#include "core/expr/compiler.h"

#include "core/expr/function_registry.h"
#include "core/expr/lexer.h"
#include "core/expr/node.h"
#include "core/expr/operators.h"
#include "core/suggest.h"

namespace sluice::expr {
namespace {

// Deeper nesting than this is certainly not a hand-written expression, and the
// parser and evaluator recurse once per level.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxArguments = 16;

// Thrown only inside the parser for a syntax error and caught in compile().
struct SyntaxError {};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, Expression* expression, Arena* literals,
         std::vector<std::unique_ptr<Node>>* nodes, std::vector<ExprError>* errors)
      : text_(text), tokens_(std::move(tokens)), literals_(literals), nodes_(nodes), errors_(errors) {
    (void)expression;
  }

  const Node* parse() {
    const Node* root = parse_expression();
    if (peek().kind != TokenKind::kEnd) {
      std::string hint;
      if (peek().kind == TokenKind::kPath || peek().kind == TokenKind::kIdentifier || peek().kind == TokenKind::kString) {
        hint = "is an operator such as && or + missing before it?";
      }
      syntax_error(peek(), std::string("unexpected ") + describe(peek()) + " after a complete expression", hint);
    }
    return root;
  }

 private:
  // ---- tokens
  const Token& peek() const { return tokens_[pos_]; }
  const Token& advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool accept(TokenKind kind) {
    if (peek().kind != kind) return false;
    advance();
    return true;
  }
  const Token& expect(TokenKind kind, const char* context, std::string hint = "") {
    if (peek().kind != kind) {
      syntax_error(peek(), std::string("expected ") + token_description(kind) + " " + context + ", got " + describe(peek()),
                   std::move(hint));
    }
    return advance();
  }
  static std::string describe(const Token& token) {
    if (token.kind == TokenKind::kEnd) return token_description(token.kind);
    return "'" + std::string(token.text.substr(0, 40)) + "'";
  }

  // ---- errors
  void error_at(size_t offset, std::string message, std::string hint = "") {
    ExprError e;
    line_and_column(text_, offset, &e.line, &e.column);
    e.message = std::move(message);
    e.hint = std::move(hint);
    errors_->push_back(std::move(e));
  }
  [[noreturn]] void syntax_error(const Token& at, std::string message, std::string hint = "") {
    error_at(at.offset, std::move(message), std::move(hint));
    throw SyntaxError{};
  }

  // ---- nodes
  Node* make(NodeKind kind, size_t offset, Type type) {
    nodes_->push_back(std::make_unique<Node>());
    Node* n = nodes_->back().get();
    n->kind = kind;
    n->offset = offset;
    n->type = type;
    int line = 1;
    line_and_column(text_, offset, &line, &n->column);
    return n;
  }

  struct DepthGuard {
    explicit DepthGuard(Parser* p) : parser(p) {
      if (++parser->depth_ > kMaxDepth) {
        parser->syntax_error(parser->peek(), "expression nested deeper than " + std::to_string(kMaxDepth) + " levels");
      }
    }
    ~DepthGuard() { --parser->depth_; }
    Parser* parser;
  };

  // ---- precedence levels
  const Node* parse_expression() {
    DepthGuard guard(this);
    return parse_or();
  }

  const Node* logical(NodeKind kind, const Token& op, const Node* left, const Node* right) {
    for (const Node* side : {left, right}) {
      if (side->type != Type::kAny && side->type != Type::kBool) {
        error_at(side->offset, std::string(describe(op)) + " needs booleans, but this is " + type_name(side->type),
                 "compare it, e.g. `.count > 0`, or test it with exists() / is_null()");
      }
    }
    Node* n = make(kind, op.offset, Type::kBool);
    n->children = {left, right};
    return n;
  }

  const Node* parse_or() {
    const Node* left = parse_and();
    while (peek().kind == TokenKind::kOrOr) {
      const Token& op = advance();
      left = logical(NodeKind::kOr, op, left, parse_and());
    }
    return left;
  }

  const Node* parse_and() {
    const Node* left = parse_equality();
    while (peek().kind == TokenKind::kAndAnd) {
      const Token& op = advance();
      left = logical(NodeKind::kAnd, op, left, parse_equality());
    }
    return left;
  }

  const Node* binary(BinaryOp op, const Token& token, const Node* left, const Node* right) {
    Type result = Type::kAny;
    std::string message;
    if (!binary_result_type(op, left->type, right->type, &result, &message)) error_at(token.offset, message);
    Node* n = make(NodeKind::kBinary, token.offset, result);
    n->op = op;
    n->children = {left, right};
    return n;
  }

  const Node* parse_equality() {
    const Node* left = parse_comparison();
    while (peek().kind == TokenKind::kEqualEqual || peek().kind == TokenKind::kBangEqual) {
      const Token& op = advance();
      left = binary(op.kind == TokenKind::kEqualEqual ? BinaryOp::kEqual : BinaryOp::kNotEqual, op, left, parse_comparison());
    }
    return left;
  }

  const Node* parse_comparison() {
    const Node* left = parse_coalesce();
    while (true) {
      BinaryOp op;
      switch (peek().kind) {
        case TokenKind::kLess: op = BinaryOp::kLess; break;
        case TokenKind::kLessEqual: op = BinaryOp::kLessEqual; break;
        case TokenKind::kGreater: op = BinaryOp::kGreater; break;
        case TokenKind::kGreaterEqual: op = BinaryOp::kGreaterEqual; break;
        default: return left;
      }
      const Token& token = advance();
      left = binary(op, token, left, parse_coalesce());
    }
  }

  const Node* parse_coalesce() {
    const Node* left = parse_additive();
    while (peek().kind == TokenKind::kQuestionQuestion) {
      const Token& op = advance();
      const Node* right = parse_additive();
      Node* n = make(NodeKind::kCoalesce, op.offset, left->type == right->type ? left->type : Type::kAny);
      n->children = {left, right};
      left = n;
    }
    return left;
  }

  const Node* parse_additive() {
    const Node* left = parse_multiplicative();
    while (peek().kind == TokenKind::kPlus || peek().kind == TokenKind::kMinus) {
      const Token& op = advance();
      left = binary(op.kind == TokenKind::kPlus ? BinaryOp::kAdd : BinaryOp::kSubtract, op, left, parse_multiplicative());
    }
    return left;
  }

  const Node* parse_multiplicative() {
    const Node* left = parse_unary();
    while (true) {
      BinaryOp op;
      switch (peek().kind) {
        case TokenKind::kStar: op = BinaryOp::kMultiply; break;
        case TokenKind::kSlash: op = BinaryOp::kDivide; break;
        case TokenKind::kPercent: op = BinaryOp::kModulo; break;
        default: return left;
      }
      const Token& token = advance();
      left = binary(op, token, left, parse_unary());
    }
  }

  const Node* parse_unary() {
    if (peek().kind == TokenKind::kBang) {
      DepthGuard guard(this);
      const Token& op = advance();
      const Node* operand = parse_unary();
      if (operand->type != Type::kAny && operand->type != Type::kBool) {
        error_at(op.offset, std::string("'!' needs a boolean, but its operand is ") + type_name(operand->type));
      }
      Node* n = make(NodeKind::kNot, op.offset, Type::kBool);
      n->children = {operand};
      return n;
    }
    if (peek().kind == TokenKind::kMinus) {
      DepthGuard guard(this);
      const Token& op = advance();
      // A minus before a number literal is part of the literal.
      if (peek().kind == TokenKind::kInt || peek().kind == TokenKind::kFloat) {
        const Token& number = advance();
        Node* lit = make(NodeKind::kLiteral, op.offset, number.kind == TokenKind::kInt ? Type::kInt : Type::kFloat);
        lit->literal = number.kind == TokenKind::kInt ? Value::integer(-number.int_value) : Value::floating(-number.float_value);
        return parse_postfix(lit);
      }
      const Node* operand = parse_unary();
      if (operand->type != Type::kAny && operand->type != Type::kInt && operand->type != Type::kFloat) {
        error_at(op.offset, std::string("'-' needs a number, but its operand is ") + type_name(operand->type));
      }
      Node* n = make(NodeKind::kNegate, op.offset, operand->type);
      n->children = {operand};
      return n;
    }
    return parse_postfix(parse_primary());
  }

  const Node* parse_postfix(const Node* base) {
    while (peek().kind == TokenKind::kLeftBracket) {
      DepthGuard guard(this);
      const Token& open = advance();
      const Node* index = parse_expression();
      expect(TokenKind::kRightBracket, "to close the index");
      if (base->type != Type::kAny && base->type != Type::kArray && base->type != Type::kObject) {
        error_at(open.offset, std::string("cannot index into ") + type_name(base->type));
      }
      Node* n = make(NodeKind::kIndex, open.offset, Type::kAny);
      n->children = {base, index};
      base = n;
    }
    return base;
  }

  // ---- primaries
  const Node* parse_primary() {
    DepthGuard guard(this);
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::kInt: {
        advance();
        Node* n = make(NodeKind::kLiteral, token.offset, Type::kInt);
        n->literal = Value::integer(token.int_value);
        return n;
      }
      case TokenKind::kFloat: {
        advance();
        Node* n = make(NodeKind::kLiteral, token.offset, Type::kFloat);
        n->literal = Value::floating(token.float_value);
        return n;
      }
      case TokenKind::kString: {
        advance();
        Node* n = make(NodeKind::kLiteral, token.offset, Type::kString);
        n->literal = Value::string(literals_->copy_string(token.string_value));
        return n;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        advance();
        Node* n = make(NodeKind::kLiteral, token.offset, Type::kBool);
        n->literal = Value::boolean(token.kind == TokenKind::kTrue);
        return n;
      }
      case TokenKind::kNull: {
        advance();
        return make(NodeKind::kLiteral, token.offset, Type::kNull);
      }
      case TokenKind::kPath: {
        advance();
        const auto& segments = token.path.segments();
        if (segments.size() == 1 && !segments[0].is_index) {
          Node* n = make(NodeKind::kField, token.offset, Type::kAny);
          n->field = segments[0].field;
          n->path = token.path;
          return n;
        }
        Node* n = make(NodeKind::kPath, token.offset, token.path.is_root() ? Type::kObject : Type::kAny);
        n->path = token.path;
        return n;
      }
      case TokenKind::kLeftParen: {
        advance();
        const Node* inner = parse_expression();
        expect(TokenKind::kRightParen, "to close '('");
        return inner;
      }
      case TokenKind::kLeftBracket: return parse_array();
      case TokenKind::kLeftBrace: return parse_object();
      case TokenKind::kIf: return parse_if();
      case TokenKind::kIdentifier: return parse_call();
      default: {
        std::string hint;
        if (token.kind == TokenKind::kEnd) hint = "the expression ends where a value was expected";
        syntax_error(token, "expected a value, got " + describe(token), hint);
      }
    }
  }

  const Node* parse_array() {
    const Token& open = advance();
    Node* n = make(NodeKind::kArray, open.offset, Type::kArray);
    if (!accept(TokenKind::kRightBracket)) {
      do {
        n->children.push_back(parse_expression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightBracket, "to close the array");
    }
    return n;
  }

  const Node* parse_object() {
    const Token& open = advance();
    Node* n = make(NodeKind::kObject, open.offset, Type::kObject);
    if (!accept(TokenKind::kRightBrace)) {
      do {
        const Token& key = peek();
        if (key.kind != TokenKind::kString && key.kind != TokenKind::kIdentifier) {
          syntax_error(key, "expected a field name (a string or a plain name) in the object, got " + describe(key));
        }
        advance();
        FieldId id = FieldNames::intern(key.string_value);
        if (id == kInvalidFieldId) syntax_error(key, "field name is too long or there are too many distinct field names");
        for (FieldId existing : n->keys) {
          if (existing == id) error_at(key.offset, "field \"" + key.string_value + "\" appears twice in the object");
        }
        expect(TokenKind::kColon, "after the field name");
        n->keys.push_back(id);
        n->children.push_back(parse_expression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightBrace, "to close the object");
    }
    return n;
  }

  const Node* parse_if() {
    const Token& token = advance();
    const Node* condition = parse_expression();
    if (condition->type != Type::kAny && condition->type != Type::kBool) {
      error_at(condition->offset, std::string("the condition of 'if' must be a boolean, but this is ") + type_name(condition->type));
    }
    expect(TokenKind::kLeftBrace, "after the condition of 'if'", "write: if .status >= 500 { \"error\" } else { \"ok\" }");
    const Node* then_branch = parse_expression();
    expect(TokenKind::kRightBrace, "to close the 'if' branch");
    const Node* else_branch = nullptr;
    if (accept(TokenKind::kElse)) {
      if (peek().kind == TokenKind::kIf) {
        else_branch = parse_if();
      } else {
        expect(TokenKind::kLeftBrace, "after 'else'");
        else_branch = parse_expression();
        expect(TokenKind::kRightBrace, "to close the 'else' branch");
      }
    } else {
      else_branch = make(NodeKind::kLiteral, token.offset, Type::kNull);
    }
    Type type = then_branch->type == else_branch->type ? then_branch->type : Type::kAny;
    Node* n = make(NodeKind::kIf, token.offset, type);
    n->children = {condition, then_branch, else_branch};
    return n;
  }

  const Node* parse_call() {
    const Token& name = advance();
    if (peek().kind != TokenKind::kLeftParen) {
      syntax_error(name, "unknown name '" + name.string_value + "'",
                   "field paths start with a dot: ." + name.string_value + "; strings are quoted: \"" + name.string_value + "\"");
    }
    advance();
    const FunctionSpec* spec = find_function(name.string_value);
    if (spec == nullptr) {
      std::string suggestion = did_you_mean(name.string_value, function_names());
      syntax_error(name, "unknown function '" + name.string_value + "'" + suggestion,
                   "see docs/expressions.md for the functions");
    }
    std::vector<const Node*> args;
    std::vector<size_t> arg_offsets;
    if (!accept(TokenKind::kRightParen)) {
      do {
        arg_offsets.push_back(peek().offset);
        args.push_back(parse_expression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "to close the arguments", std::string("usage: ") + std::string(spec->signature));
    }
    return check_call(name, *spec, std::move(args));
  }

  const Node* check_call(const Token& name, const FunctionSpec& spec, std::vector<const Node*> args) {
    const int n = int(args.size());
    if (n < spec.min_args || (spec.max_args >= 0 && n > spec.max_args) || args.size() > kMaxArguments) {
      std::string expected = spec.min_args == spec.max_args ? std::to_string(spec.min_args)
                             : spec.max_args < 0        ? "at least " + std::to_string(spec.min_args)
                                                        : std::to_string(spec.min_args) + " to " + std::to_string(spec.max_args);
      if (args.size() > kMaxArguments) expected = "at most " + std::to_string(kMaxArguments);
      error_at(name.offset, std::string(spec.name) + "() takes " + expected + " argument" + (expected == "1" ? "" : "s") +
                                ", got " + std::to_string(n),
               std::string("usage: ") + std::string(spec.signature));
    }
    if (spec.name == "exists") {
      if (n == 1 && args[0]->kind != NodeKind::kPath && args[0]->kind != NodeKind::kField) {
        error_at(args[0]->offset, "exists() needs a field path such as .user.email", "to test a value, use is_null()");
      }
      Node* node = make(NodeKind::kExists, name.offset, Type::kBool);
      if (n == 1) node->path = args[0]->path;
      return node;
    }
    for (int i = 0; i < n; ++i) {
      if (spec.arg_types.empty()) break;
      TypeMask accepted = spec.arg_types[std::min<size_t>(i, spec.arg_types.size() - 1)];
      Type t = args[i]->type;
      // null is accepted where any type is: a missing field is found at run time.
      if (t != Type::kAny && (accepted & mask_of(t)) == 0) {
        error_at(args[i]->offset, std::string(spec.name) + "() argument " + std::to_string(i + 1) + " cannot be " + type_name(t),
                 std::string("usage: ") + std::string(spec.signature));
      }
    }
    Node* node = make(NodeKind::kCall, name.offset, spec.result);
    node->function = &spec;
    if (spec.result_follows_args) {
      Type common = n > 0 ? args[0]->type : Type::kAny;
      for (const Node* a : args) common = a->type == common ? common : Type::kAny;
      node->type = common;
    }
    if (spec.name == "round" && n == 2) node->type = Type::kFloat;
    if (spec.prepare != nullptr && n >= spec.min_args) {
      std::vector<Value> literal_args(args.size());
      bool literal = true;
      for (size_t i = 1; i < args.size(); ++i) {
        if (args[i]->kind != NodeKind::kLiteral) {
          literal = false;
          error_at(args[i]->offset, std::string(spec.name) + "() argument " + std::to_string(i + 1) + " must be a string literal",
                   "patterns are compiled once when the pipeline loads");
        }
        literal_args[i] = args[i]->literal;
      }
      if (literal) {
        std::string message;
        node->prepared = spec.prepare(literal_args, &message);
        if (!node->prepared) error_at(args.size() > 1 ? args[1]->offset : name.offset, std::string(spec.name) + "(): " + message);
      }
    }
    node->children = std::move(args);
    return node;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  Arena* literals_;
  std::vector<std::unique_ptr<Node>>* nodes_;
  std::vector<ExprError>* errors_;
};

}  // namespace

std::shared_ptr<const Expression> Compiler::compile(std::string_view text, std::vector<ExprError>* errors) {
  std::shared_ptr<Expression> expression(new Expression());
  expression->text_ = std::string(text);
  std::string_view own_text = expression->text_;
  std::vector<Token> tokens;
  LexError lex_error;
  if (!tokenize(own_text, &tokens, &lex_error)) {
    ExprError e;
    line_and_column(own_text, lex_error.offset, &e.line, &e.column);
    e.message = lex_error.message;
    e.hint = lex_error.hint;
    errors->push_back(std::move(e));
    return nullptr;
  }
  if (tokens.size() == 1) {
    errors->push_back({1, 1, "the expression is empty", "write a value, e.g. .status >= 500"});
    return nullptr;
  }
  const size_t errors_before = errors->size();
  Parser parser(own_text, std::move(tokens), expression.get(), expression->literals_.get(), &expression->nodes_, errors);
  try {
    expression->root_ = parser.parse();
  } catch (const SyntaxError&) {
    return nullptr;
  }
  if (errors->size() != errors_before) return nullptr;
  return expression;
}

}  // namespace sluice::expr
