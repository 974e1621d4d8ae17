#include <cstring>

#include "core/expr/functions.h"

namespace sluice::expr::functions {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Case mapping is ASCII only: full Unicode case rules need locale data, and the
// fields this is used on (methods, hosts, codes) are ASCII.
template <char kFrom, char kTo, int kShift>
bool map_case(const CallContext& ctx, std::string_view name, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, name, args, 0)) return false;
  std::string_view s = args[0].as_string();
  size_t first = 0;
  while (first < s.size() && !(s[first] >= kFrom && s[first] <= kTo)) ++first;
  if (first == s.size()) {  // nothing to change: no copy
    *out = args[0];
    return true;
  }
  char* p = static_cast<char*>(ctx.arena.allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  for (size_t i = first; i < s.size(); ++i) {
    if (p[i] >= kFrom && p[i] <= kTo) p[i] = char(p[i] + kShift);
  }
  *out = Value::string({p, s.size()});
  return true;
}

}  // namespace

bool lower(const CallContext& ctx, std::span<const Value> args, Value* out) {
  return map_case<'A', 'Z', 'a' - 'A'>(ctx, "lower", args, out);
}

bool upper(const CallContext& ctx, std::span<const Value> args, Value* out) {
  return map_case<'a', 'z', 'A' - 'a'>(ctx, "upper", args, out);
}

bool trim(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "trim", args, 0)) return false;
  std::string_view s = args[0].as_string();
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  *out = Value::string(s);  // a view into the argument: trimming never copies
  return true;
}

bool contains(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (args[0].is_array()) {
    bool found = false;
    for (const Value& item : args[0].as_array()) {
      if (item == args[1]) {
        found = true;
        break;
      }
    }
    *out = Value::boolean(found);
    return true;
  }
  if (!args[0].is_string()) {
    return fail(ctx, std::string("contains: argument 1 must be a string or an array, got ") + value_type_name(args[0].type()));
  }
  if (!expect_string(ctx, "contains", args, 1)) return false;
  *out = Value::boolean(args[0].as_string().find(args[1].as_string()) != std::string_view::npos);
  return true;
}

bool starts_with(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!args[0].is_string() || !args[1].is_string()) {
    if (!expect_string(ctx, "starts_with", args, 0)) return false;
    if (!expect_string(ctx, "starts_with", args, 1)) return false;
  }
  *out = Value::boolean(args[0].as_string().starts_with(args[1].as_string()));
  return true;
}

bool ends_with(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "ends_with", args, 0) || !expect_string(ctx, "ends_with", args, 1)) return false;
  *out = Value::boolean(args[0].as_string().ends_with(args[1].as_string()));
  return true;
}

bool replace(const CallContext& ctx, std::span<const Value> args, Value* out) {
  for (size_t i = 0; i < 3; ++i) {
    if (!expect_string(ctx, "replace", args, i)) return false;
  }
  std::string_view s = args[0].as_string();
  std::string_view from = args[1].as_string();
  std::string_view to = args[2].as_string();
  if (from.empty()) return fail(ctx, "replace: the text to replace (argument 2) is empty");
  size_t count = 0;
  for (size_t p = s.find(from); p != std::string_view::npos; p = s.find(from, p + from.size())) ++count;
  if (count == 0) {
    *out = args[0];
    return true;
  }
  const size_t size = s.size() - count * from.size() + count * to.size();
  char* dst = static_cast<char*>(ctx.arena.allocate(size == 0 ? 1 : size, 1));
  size_t written = 0;
  size_t start = 0;
  for (size_t p = s.find(from); p != std::string_view::npos; p = s.find(from, start)) {
    std::memcpy(dst + written, s.data() + start, p - start);
    written += p - start;
    // An empty replacement may have no storage at all: memcpy wants a pointer even for 0 bytes.
    if (!to.empty()) std::memcpy(dst + written, to.data(), to.size());
    written += to.size();
    start = p + from.size();
  }
  std::memcpy(dst + written, s.data() + start, s.size() - start);
  *out = Value::string({dst, size});
  return true;
}

bool split(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "split", args, 0) || !expect_string(ctx, "split", args, 1)) return false;
  std::string_view s = args[0].as_string();
  std::string_view sep = args[1].as_string();
  if (sep.empty()) return fail(ctx, "split: the separator (argument 2) is empty");
  size_t count = 1;
  for (size_t p = s.find(sep); p != std::string_view::npos; p = s.find(sep, p + sep.size())) ++count;
  Value* items = ctx.arena.allocate_array<Value>(count);
  size_t start = 0;
  for (size_t i = 0; i < count; ++i) {
    size_t p = i + 1 < count ? s.find(sep, start) : s.size();
    // Parts are views into the argument, which lives at least as long as the result.
    items[i] = Value::string(s.substr(start, p - start));
    start = p + sep.size();
  }
  *out = Value::array(items, uint32_t(count));
  return true;
}

bool join(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!args[0].is_array()) {
    return fail(ctx, std::string("join: argument 1 must be an array, got ") + value_type_name(args[0].type()));
  }
  if (!expect_string(ctx, "join", args, 1)) return false;
  std::string text;
  bool first = true;
  for (const Value& item : args[0].as_array()) {
    if (!first) text += args[1].as_string();
    first = false;
    append_text(item, text);
  }
  *out = Value::string(ctx.arena.copy_string(text));
  return true;
}

bool length(const CallContext& ctx, std::span<const Value> args, Value* out) {
  const Value& v = args[0];
  if (v.is_string()) {
    // Characters, not bytes: count every byte that does not continue a UTF-8 sequence.
    int64_t n = 0;
    for (char c : v.as_string()) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    *out = Value::integer(n);
    return true;
  }
  if (v.is_array() || v.is_object()) {
    *out = Value::integer(v.size());
    return true;
  }
  return fail(ctx, std::string("length: argument 1 must be a string, array or object, got ") + value_type_name(v.type()));
}

}  // namespace sluice::expr::functions
