// The govern transform on generator events (~14 fields, with email, phone and card
// number), a batch at a time as the pipeline thread runs it: three fields tokenized
// (email, client_ip and user_id, in every event; the goal: 1 M events/s per core),
// the same with detection over every other value, a sink's run-time exposure check,
// and the primitives on their own.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "governance/chained_ledger.h"
#include "governance/detectors.h"
#include "governance/exposure_guard.h"
#include "governance/protect.h"
#include "transform_fixture.h"

namespace {

using sluice::bench::kBatchEvents;
using sluice::bench::TransformFixture;

void with_key() {
  ::setenv("SLUICE_GOVERN_KEYS", ("k1:" + std::string(64, 'a')).c_str(), 1);
}

void BM_GovernTokenize3Fields(benchmark::State& state) {
  with_key();
  TransformFixture f(
      "    type: govern\n    inputs: [in]\n    fields: {email: tokenize, client_ip: tokenize, "
      "user_id: tokenize}");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_GovernTokenize3Fields);

void BM_GovernTokenize3FieldsAndDetect(benchmark::State& state) {
  with_key();
  TransformFixture f(
      "    type: govern\n    inputs: [in]\n    fields: {email: tokenize, client_ip: tokenize, "
      "user_id: tokenize}\n"
      "    classes: {restricted: drop, confidential: tokenize}");
  for (auto _ : state) f.run_once();
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
}
BENCHMARK(BM_GovernTokenize3FieldsAndDetect);

// A sink's run-time exposure check (accepts: [public, internal]) on the demo's
// governed events: every value scanned, none refused — the cost every event pays.
void BM_ExposureGuardGovernedEvents(benchmark::State& state) {
  with_key();
  TransformFixture f(
      "    type: govern\n    inputs: [in]\n    fields: {email: tokenize, phone: tokenize, "
      "card_number: drop}");
  const sluice::Batch governed = f.process([](sluice::Batch&) {}).front();
  sluice::governance::ExposureGuard guard(sluice::governance::DataClass::kInternal);
  size_t refused = 0;
  for (auto _ : state) {
    for (const sluice::Event& e : governed.events) refused += guard.check(e.fields).empty() ? 0 : 1;
  }
  if (refused != 0) state.SkipWithError("a governed event was refused");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(governed.events.size()));
}
BENCHMARK(BM_ExposureGuardGovernedEvents);

void BM_Tokenize(benchmark::State& state) {
  sluice::log::Key256 key;
  key.fill(7);
  auto t = sluice::governance::Tokenizer::create("k1", key);
  std::string out;
  for (auto _ : state) {
    out.clear();
    (*t)->tokenize("dewi.lestari42@example.co.id", &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Tokenize);

void BM_DetectMiss(benchmark::State& state) {
  const auto d = sluice::governance::Detectors::builtin();
  for (auto _ : state) benchmark::DoNotOptimize(d.detect("/api/v1/orders/checkout"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DetectMiss);

void BM_DetectCard(benchmark::State& state) {
  const auto d = sluice::governance::Detectors::builtin();
  for (auto _ : state) benchmark::DoNotOptimize(d.detect("4111 1111 1111 1111"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DetectCard);

// One ledger entry as the pipeline writes it per commit (~700 bytes: two input
// ranges, two sinks with a transform each): hash, write, fsync, head replaced and
// its directory fsynced. On the disk the benchmarks run on.
// Argument 1: entries sealed with AES-256-GCM (log: state_encryption_key), as the demo writes them.
void BM_LedgerAppend(benchmark::State& state) {
  const std::string dir = "ledger-bench-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  auto ledger = sluice::governance::ChainedLedger::open(dir);
  if (state.range(0) == 1) (*ledger)->seal_with(sluice::log::Key256{}, "k1");
  std::string entry =
      R"({"time":"2026-12-01T23:49:23.334797Z","pipeline":"examples/demo.yaml","config_sha256":")" +
      std::string(64, 'a') + R"(","group":"sluice","inputs":[)";
  for (int p = 0; p < 2; ++p) {
    entry += std::string(p ? "," : "") + R"({"topic":"traffic","partition":)" + std::to_string(p) +
             R"(,"first_offset":1000000,"last_offset":1004095,"records":4096})";
  }
  entry += R"(],"sinks":[)";
  for (int k = 0; k < 2; ++k) {
    entry +=
        std::string(k ? "," : "") + R"({"name":"lake)" + std::to_string(k) +
        R"(","type":"parquet","output":"/data/lake","events":8192,"sources":["traffic"],"topics":["traffic"],)" +
        R"("chain":[{"name":"enrich","type":"remap","config_sha256":")" + std::string(64, 'b') +
        R"("}]})";
  }
  entry += "]}";
  for (auto _ : state) benchmark::DoNotOptimize((*ledger)->append(entry));
  state.SetItemsProcessed(state.iterations());
  ledger->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LedgerAppend)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
