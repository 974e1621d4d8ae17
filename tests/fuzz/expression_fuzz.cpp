// libFuzzer target: arbitrary text as an expression. Compiling must either
// succeed or report at least one error with a position inside the text; a
// compiled expression must evaluate on a fixed event without crashing, and
// evaluate twice to the same result (no hidden state).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/expr/expression.h"
#include "format/json_writer.h"

namespace {

sluice::Value sample_event(sluice::Arena& arena) {
  using sluice::FieldNames;
  using sluice::Value;
  sluice::ObjectBuilder user(arena);
  user.set(FieldNames::intern("name"), Value::string("ana"));
  Value* tags = arena.allocate_array<Value>(2);
  tags[0] = Value::string("a");
  tags[1] = Value::integer(-1);
  sluice::ObjectBuilder event(arena);
  event.set(FieldNames::intern("status"), Value::integer(503));
  event.set(FieldNames::intern("route"), Value::string("/api/v1/orders"));
  event.set(FieldNames::intern("latency_ms"), Value::floating(12.5));
  event.set(FieldNames::intern("a"), Value::integer(INT64_MAX));
  event.set(FieldNames::intern("b"), Value::boolean(true));
  event.set(FieldNames::intern("n"), Value::null());
  event.set(FieldNames::intern("ts"), Value::timestamp(1764000000000000));
  event.set(FieldNames::intern("tags"), Value::array(tags, 2));
  event.set(FieldNames::intern("user"), user.finish());
  return event.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<sluice::expr::ExprError> errors;
  auto expression = sluice::expr::Expression::compile(text, &errors);
  if (!expression) {
    if (errors.empty()) std::abort();
    for (const auto& e : errors) {
      if (e.line < 1 || e.column < 1 || e.message.empty()) std::abort();
    }
    return 0;
  }
  sluice::Arena arena;
  sluice::Value event = sample_event(arena);
  sluice::Value first, second;
  std::string error1, error2;
  bool ok1 = expression->evaluate(event, arena, &first, &error1);
  bool ok2 = expression->evaluate(event, arena, &second, &error2);
  if (ok1 != ok2) std::abort();
  // now() is the one function whose result legitimately changes between calls.
  if (ok1 && text.find("now") == std::string_view::npos &&
      sluice::format::to_json(first) != sluice::format::to_json(second)) {
    std::abort();
  }
  if (!ok1 && error1 != error2) std::abort();
  (void)expression->referenced_paths();
  return 0;
}
