// Evaluations per second of compiled expressions on generator events: the cost a
// filter or remap pays per event. Target (issue 2): `.status >= 500 &&
// starts_with(.route, "/api")` at 20 million evaluations per second per core.
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <vector>

#include "core/expr/expression.h"
#include "source/traffic_model.h"

namespace {

using namespace sluice;

struct Events {
  Events() {
    source::TrafficModel model(source::TrafficOptions{});
    for (int i = 0; i < 1024; ++i) events.push_back(model.next(arena));
  }
  Arena arena;
  std::vector<Event> events;
};

std::shared_ptr<const expr::Expression> compile(const char* text) {
  std::vector<expr::ExprError> errors;
  auto e = expr::Expression::compile(text, &errors);
  if (!e) throw std::runtime_error(errors.at(0).message);
  return e;
}

void run(benchmark::State& state, const char* text) {
  static Events input;
  auto expression = compile(text);
  Arena scratch;
  std::string error;
  int64_t matched = 0;
  for (auto _ : state) {
    for (const Event& e : input.events) matched += expression->test(e.fields, scratch, &error) == 1;
    scratch.reset();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(state.iterations() * int64_t(input.events.size()));
}

void evaluate(benchmark::State& state, const char* text) {
  static Events input;
  auto expression = compile(text);
  Arena scratch;
  std::string error;
  Value out;
  for (auto _ : state) {
    for (const Event& e : input.events) {
      expression->evaluate(e.fields, scratch, &out, &error);
      benchmark::DoNotOptimize(out);
    }
    scratch.reset();
  }
  state.SetItemsProcessed(state.iterations() * int64_t(input.events.size()));
}

void BM_ConditionStatusAndRoute(benchmark::State& state) {
  run(state, R"(.status >= 500 && starts_with(.route, "/api"))");
}
BENCHMARK(BM_ConditionStatusAndRoute);

void BM_ConditionRegex(benchmark::State& state) { run(state, R"(regex_match(.route, "^/api/v[0-9]+/orders"))"); }
BENCHMARK(BM_ConditionRegex);

void BM_ValueArithmetic(benchmark::State& state) { evaluate(state, ".latency_ms * 1000.0 + (.bytes ?? 0)"); }
BENCHMARK(BM_ValueArithmetic);

void BM_ValueStringBuild(benchmark::State& state) { evaluate(state, R"(lower(.service) + ":" + .method)"); }
BENCHMARK(BM_ValueStringBuild);

void BM_ValueIfElse(benchmark::State& state) {
  evaluate(state, R"(if .status >= 500 { "error" } else if .status >= 400 { "client" } else { "ok" })");
}
BENCHMARK(BM_ValueIfElse);

void BM_ValueHmac(benchmark::State& state) { evaluate(state, R"(hmac_sha256(.user_id, "secret-key"))"); }
BENCHMARK(BM_ValueHmac);

void BM_Compile(benchmark::State& state) {
  for (auto _ : state) {
    auto e = compile(R"(if .status >= 500 && starts_with(.route, "/api") { lower(.service) } else { "ok" })");
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_Compile);

}  // namespace
