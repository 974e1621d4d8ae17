#include "core/expr/lexer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace sluice::expr {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

bool read_hex4(std::string_view text, size_t pos, uint32_t* out) {
  if (pos + 4 > text.size()) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    int h = hex_value(text[pos + i]);
    if (h < 0) return false;
    v = v * 16 + uint32_t(h);
  }
  *out = v;
  return true;
}

// Reads a string literal quoted with `quote` starting at text[pos]; JSON escapes,
// plus \' inside single quotes.
bool read_string(std::string_view text, size_t& pos, std::string* out, LexError* error) {
  const char quote = text[pos];
  const size_t start = pos;
  ++pos;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == quote) {
      ++pos;
      return true;
    }
    if (c == '\n') break;
    if (c != '\\') {
      *out += c;
      ++pos;
      continue;
    }
    if (pos + 1 >= text.size()) break;
    char e = text[pos + 1];
    pos += 2;
    switch (e) {
      case '"': *out += '"'; break;
      case '\'': *out += '\''; break;
      case '\\': *out += '\\'; break;
      case '/': *out += '/'; break;
      case 'b': *out += '\b'; break;
      case 'f': *out += '\f'; break;
      case 'n': *out += '\n'; break;
      case 'r': *out += '\r'; break;
      case 't': *out += '\t'; break;
      case 'u': {
        uint32_t cp = 0;
        if (!read_hex4(text, pos, &cp)) {
          *error = {pos - 2, "\\u must be followed by 4 hex digits", ""};
          return false;
        }
        pos += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (pos + 1 < text.size() && text[pos] == '\\' && text[pos + 1] == 'u' && read_hex4(text, pos + 2, &low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            pos += 6;
          } else {
            *error = {pos - 6, "unpaired UTF-16 surrogate in \\u escape", "a high surrogate \\uD800-\\uDBFF must be followed by a low one \\uDC00-\\uDFFF"};
            return false;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          *error = {pos - 6, "unpaired UTF-16 surrogate in \\u escape", ""};
          return false;
        }
        append_utf8(cp, *out);
        break;
      }
      default:
        *error = {pos - 2, std::string("unknown escape \\") + e + " in string",
                  "valid escapes: \\\" \\' \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"};
        return false;
    }
  }
  *error = {start, "unterminated string", std::string("close it with ") + quote};
  return false;
}

bool read_number(std::string_view text, size_t& pos, Token* token, LexError* error) {
  const size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  bool is_float = false;
  if (pos + 1 < text.size() && text[pos] == '.' && is_digit(text[pos + 1])) {
    is_float = true;
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    size_t p = pos + 1;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) ++p;
    if (p < text.size() && is_digit(text[p])) {
      is_float = true;
      pos = p;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
  }
  if (pos < text.size() && is_identifier_char(text[pos])) {
    *error = {pos, "unexpected '" + std::string(1, text[pos]) + "' after a number", ""};
    return false;
  }
  std::string_view digits = text.substr(start, pos - start);
  if (is_float) {
    // strtod needs a terminated string; literals are short.
    std::string copy(digits);
    token->kind = TokenKind::kFloat;
    token->float_value = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(token->float_value)) {
      *error = {start, "number " + copy + " is out of range for a float", ""};
      return false;
    }
    return true;
  }
  token->kind = TokenKind::kInt;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), token->int_value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    *error = {start, "integer " + std::string(digits) + " does not fit in 64 bits", "write it as a float, e.g. " + std::string(digits) + ".0"};
    return false;
  }
  return true;
}

// How many bytes from `start` belong to a field path. A path's own indexes are
// integer literals (`.tags[0]`); a bracket with anything else (`.user["name"]`,
// `.items[.i]`) is an index expression applied to the path, so the path ends there.
size_t path_extent(std::string_view text, size_t start) {
  auto is_name = [](char ch) { return is_identifier_char(ch) || ch == '@'; };
  size_t pos = start;
  if (pos < text.size() && text[pos] == '.') ++pos;
  while (pos < text.size()) {
    if (text[pos] == '"') {
      ++pos;
      while (pos < text.size() && text[pos] != '"') pos += text[pos] == '\\' ? 2 : 1;
      pos = std::min(pos + 1, text.size());
    } else {
      while (pos < text.size() && is_name(text[pos])) ++pos;
    }
    while (pos < text.size() && text[pos] == '[') {
      size_t p = pos + 1;
      if (p < text.size() && text[p] == '-') ++p;
      size_t digits = p;
      while (p < text.size() && is_digit(text[p])) ++p;
      if (p == digits || p >= text.size() || text[p] != ']') return pos - start;
      pos = p + 1;
    }
    if (pos + 1 < text.size() && text[pos] == '.' && (is_name(text[pos + 1]) || text[pos + 1] == '"')) {
      ++pos;
      continue;
    }
    break;
  }
  return pos - start;
}

struct Punctuation {
  std::string_view text;
  TokenKind kind;
};

// Longest first, so `<=` wins over `<`.
constexpr Punctuation kPunctuation[] = {
    {"&&", TokenKind::kAndAnd},     {"||", TokenKind::kOrOr},        {"??", TokenKind::kQuestionQuestion},
    {"==", TokenKind::kEqualEqual}, {"!=", TokenKind::kBangEqual},   {"<=", TokenKind::kLessEqual},
    {">=", TokenKind::kGreaterEqual}, {"(", TokenKind::kLeftParen},  {")", TokenKind::kRightParen},
    {"[", TokenKind::kLeftBracket}, {"]", TokenKind::kRightBracket}, {"{", TokenKind::kLeftBrace},
    {"}", TokenKind::kRightBrace},  {",", TokenKind::kComma},        {":", TokenKind::kColon},
    {"!", TokenKind::kBang},        {"+", TokenKind::kPlus},         {"-", TokenKind::kMinus},
    {"*", TokenKind::kStar},        {"/", TokenKind::kSlash},        {"%", TokenKind::kPercent},
    {"<", TokenKind::kLess},        {">", TokenKind::kGreater},
};

}  // namespace

const char* token_description(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "the end of the expression";
    case TokenKind::kInt: return "an integer";
    case TokenKind::kFloat: return "a float";
    case TokenKind::kString: return "a string";
    case TokenKind::kPath: return "a field path";
    case TokenKind::kIdentifier: return "a name";
    case TokenKind::kIf: return "'if'";
    case TokenKind::kElse: return "'else'";
    case TokenKind::kTrue: return "'true'";
    case TokenKind::kFalse: return "'false'";
    case TokenKind::kNull: return "'null'";
    case TokenKind::kLeftParen: return "'('";
    case TokenKind::kRightParen: return "')'";
    case TokenKind::kLeftBracket: return "'['";
    case TokenKind::kRightBracket: return "']'";
    case TokenKind::kLeftBrace: return "'{'";
    case TokenKind::kRightBrace: return "'}'";
    case TokenKind::kComma: return "','";
    case TokenKind::kColon: return "':'";
    case TokenKind::kBang: return "'!'";
    case TokenKind::kPlus: return "'+'";
    case TokenKind::kMinus: return "'-'";
    case TokenKind::kStar: return "'*'";
    case TokenKind::kSlash: return "'/'";
    case TokenKind::kPercent: return "'%'";
    case TokenKind::kLess: return "'<'";
    case TokenKind::kLessEqual: return "'<='";
    case TokenKind::kGreater: return "'>'";
    case TokenKind::kGreaterEqual: return "'>='";
    case TokenKind::kEqualEqual: return "'=='";
    case TokenKind::kBangEqual: return "'!='";
    case TokenKind::kAndAnd: return "'&&'";
    case TokenKind::kOrOr: return "'||'";
    case TokenKind::kQuestionQuestion: return "'?" "?'";  // split: '??' followed by ' is a trigraph
  }
  return "a token";
}

void line_and_column(std::string_view text, size_t offset, int* line, int* column) {
  *line = 1;
  *column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
}

bool tokenize(std::string_view text, std::vector<Token>* tokens, LexError* error) {
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
    // `#` starts a comment to the end of the line, handy in multi-line YAML blocks.
    if (pos < text.size() && text[pos] == '#') {
      while (pos < text.size() && text[pos] != '\n') ++pos;
      continue;
    }
    Token token;
    token.offset = pos;
    if (pos >= text.size()) {
      token.kind = TokenKind::kEnd;
      tokens->push_back(std::move(token));
      return true;
    }
    char c = text[pos];
    if (c == '.') {
      size_t consumed = 0;
      auto path = FieldPath::parse_prefix(text.substr(pos, path_extent(text, pos)), &consumed);
      if (!path) {
        *error = {pos, path.status().message(), "quote names with other characters: .\"user-agent\""};
        return false;
      }
      token.kind = TokenKind::kPath;
      token.path = std::move(*path);
      pos += consumed;
    } else if (is_digit(c)) {
      if (!read_number(text, pos, &token, error)) return false;
    } else if (c == '"' || c == '\'') {
      token.kind = TokenKind::kString;
      if (!read_string(text, pos, &token.string_value, error)) return false;
    } else if (is_identifier_start(c)) {
      size_t start = pos;
      while (pos < text.size() && is_identifier_char(text[pos])) ++pos;
      std::string_view word = text.substr(start, pos - start);
      if (word == "if") token.kind = TokenKind::kIf;
      else if (word == "else") token.kind = TokenKind::kElse;
      else if (word == "true") token.kind = TokenKind::kTrue;
      else if (word == "false") token.kind = TokenKind::kFalse;
      else if (word == "null") token.kind = TokenKind::kNull;
      else token.kind = TokenKind::kIdentifier;
      token.string_value = std::string(word);
    } else {
      bool matched = false;
      for (const Punctuation& p : kPunctuation) {
        if (text.substr(pos, p.text.size()) == p.text) {
          token.kind = p.kind;
          pos += p.text.size();
          matched = true;
          break;
        }
      }
      if (!matched) {
        std::string hint;
        if (c == '=') hint = "compare with '==' (there is no assignment inside an expression)";
        else if (c == '&') hint = "logical and is '&&'";
        else if (c == '|') hint = "logical or is '||'";
        std::string shown = (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
                                ? "byte 0x" + std::string(1, "0123456789abcdef"[(c >> 4) & 0xF]) + "0123456789abcdef"[c & 0xF]
                                : "'" + std::string(1, c) + "'";
        *error = {pos, "unexpected " + shown, hint};
        return false;
      }
    }
    token.length = pos - token.offset;
    token.text = text.substr(token.offset, token.length);
    tokens->push_back(std::move(token));
  }
}

}  // namespace sluice::expr
