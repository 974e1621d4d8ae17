// A component written without its required options is reported, and the checks that
// still run on a config with errors (outputs read by name, field flows into a cleared
// sink) must cope with the options that are not there rather than throw.
#include <gtest/gtest.h>

#include <string>

#include "core/config/config_loader.h"
#include "runtime/registry.h"

namespace sluice {
namespace {

struct Loaded {
  bool loaded = false;
  std::string diagnostics;
};

Loaded load(const std::string& text) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(text, "missing.yaml", runtime::Registry::builtin(), diagnostics,
                                   LoadOptions{});
  return {config.has_value(), diagnostics.format()};
}

bool has_required_option(const ComponentSpec& spec) {
  for (const OptionSpec& option : spec.options) {
    if (option.required) return true;
  }
  return false;
}

// `component` (with no options) sits between a generator and a sink cleared for public
// data only, and a second sink reads an output of it that may or may not exist.
std::string pipeline_around(ComponentKind kind, const std::string& type) {
  const std::string bare = "{type: " + type + "}";
  const std::string reading = "{type: " + type + ", inputs: [g]}";
  switch (kind) {
    case ComponentKind::kSource:
      return "sources:\n  g: {type: generator}\n  c: " + bare +
             "\nsinks:\n  cleared: {type: blackhole, inputs: [c, g], accepts: [public]}\n"
             "  named: {type: blackhole, inputs: [c.some_output]}\n";
    case ComponentKind::kTransform:
      return "sources:\n  g: {type: generator}\ntransforms:\n  c: " + reading +
             "\nsinks:\n  cleared: {type: blackhole, inputs: [c], accepts: [public]}\n"
             "  named: {type: blackhole, inputs: [c.some_output]}\n";
    case ComponentKind::kSink:
      return "sources:\n  g: {type: generator}\nsinks:\n  c: {type: " + type +
             ", inputs: [g], accepts: [public]}\n";
  }
  return "";
}

TEST(MissingOptions, EveryTypeWithoutItsRequiredOptionsIsReportedAndNothingThrows) {
  const runtime::Registry& registry = runtime::Registry::builtin();
  int with_required = 0;
  for (ComponentKind kind :
       {ComponentKind::kSource, ComponentKind::kTransform, ComponentKind::kSink}) {
    for (const std::string& type : registry.types(kind)) {
      SCOPED_TRACE(type);
      const ComponentSpec* spec = registry.find(kind, type);
      ASSERT_NE(spec, nullptr);
      Loaded result;
      ASSERT_NO_THROW(result = load(pipeline_around(kind, type)));
      if (!has_required_option(*spec)) continue;
      ++with_required;
      EXPECT_FALSE(result.loaded);
      EXPECT_NE(result.diagnostics.find("missing required option"), std::string::npos)
          << result.diagnostics;
    }
  }
  // The loop must have met the types this guards: route, anomaly, window, parse, enrich...
  EXPECT_GE(with_required, 5);
}

TEST(MissingOptions, AnAnomalyWithoutAValueFeedingAClearedSinkIsOnlyReportedOnce) {
  Loaded result = load(
      "sources:\n  in: {type: generator}\n"
      "transforms:\n  a: {type: anomaly, inputs: [in], series: [.svc]}\n"
      "sinks:\n  out: {type: blackhole, inputs: [a], accepts: [public]}\n");
  EXPECT_FALSE(result.loaded);
  EXPECT_EQ(result.diagnostics,
            "missing.yaml:4:3: transform \"a\": missing required option \"value\"\n"
            "  hint: The number to watch, e.g. .p99_latency_ms.\n");
}

TEST(MissingOptions, ARouteWithoutRoutesReadByARouteNameIsOnlyReportedOnce) {
  Loaded result = load(
      "sources:\n  in: {type: generator}\n"
      "transforms:\n  r: {type: route, inputs: [in]}\n"
      "sinks:\n  out: {type: blackhole, inputs: [r.errors]}\n");
  EXPECT_FALSE(result.loaded);
  // Not also "has no output \"errors\"": the outputs come from the option that is missing.
  EXPECT_EQ(result.diagnostics,
            "missing.yaml:4:3: transform \"r\": missing required option \"routes\"\n"
            "  hint: Output name → condition, e.g. `errors: .status >= 500`; read as "
            "<name>.<route>.\n");
}

}  // namespace
}  // namespace sluice
