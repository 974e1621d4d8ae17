// Lexer: expression text to tokens.
//
// A token remembers its byte offset so every later error can point at a line and
// column. A field path (`.a.b[0]."odd name"`) is one token, read by
// FieldPath::parse_prefix, so paths mean exactly the same here as in options that
// take a bare path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_path.h"

namespace sluice::expr {

enum class TokenKind : uint8_t {
  kEnd,
  kInt,
  kFloat,
  kString,
  kPath,
  kIdentifier,
  kIf,
  kElse,
  kTrue,
  kFalse,
  kNull,
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kLeftBrace,
  kRightBrace,
  kComma,
  kColon,
  kBang,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqualEqual,
  kBangEqual,
  kAndAnd,
  kOrOr,
  kQuestionQuestion,
};

// How a token kind is shown in messages: `'&&'`, `a string`, `the end`.
const char* token_description(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;
  size_t length = 0;
  std::string_view text;  // the source text of the token
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;  // decoded string literal or identifier
  FieldPath path;
};

struct LexError {
  size_t offset = 0;
  std::string message;
  std::string hint;
};

// Splits `text` into tokens ending with kEnd. Returns false with *error at the
// first malformed token.
bool tokenize(std::string_view text, std::vector<Token>* tokens, LexError* error);

// 1-based line and column of a byte offset.
void line_and_column(std::string_view text, size_t offset, int* line, int* column);

}  // namespace sluice::expr
