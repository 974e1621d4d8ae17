// The least-exposure policy as `sluice validate` applies it: a matrix of small
// pipelines, each with the (sink, field, class) violations it must report — no more,
// no fewer.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <tuple>

#include "core/config/config_loader.h"
#include "runtime/registry.h"

namespace sluice {
namespace {

using Violation = std::tuple<std::string, std::string, std::string>;  // sink, field, class

const char* kHead = R"(
schemas:
  people:
    fields:
      email: confidential
      card: restricted
      user_id: internal
      client: confidential
      message: confidential
sources:
  in: {type: generator, schema: people}
)";

struct Outcome {
  std::set<Violation> violations;
  std::string text;  // every diagnostic, for failure messages
};

Outcome validate(const std::string& body) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(std::string(kHead) + body, "policy.yaml",
                                   runtime::Registry::builtin(), diagnostics);
  Outcome out;
  out.text = diagnostics.format();
  static const std::regex kViolation(
      R"re(sink "([^"]+)": (?:field (\S+)|(every field the schema does not name)) \((\w+)\) reaches it)re");
  for (const Diagnostic& d : diagnostics.list()) {
    std::smatch m;
    if (std::regex_search(d.message, m, kViolation)) {
      out.violations.insert({m[1], m[2].matched ? m[2].str() : std::string("*"), m[4]});
    } else {
      out.violations.insert({"(other)", d.message, ""});
    }
  }
  EXPECT_EQ(config.has_value(), out.violations.empty()) << out.text;
  return out;
}

struct Case {
  const char* name;
  const char* body;
  std::set<Violation> expected;
};

class ExposurePolicy : public testing::TestWithParam<Case> {};

TEST_P(ExposurePolicy, ReportsExactlyTheFieldsThatReachASinkNotClearedForThem) {
  const Case& c = GetParam();
  Outcome out = validate(c.body);
  EXPECT_EQ(out.violations, c.expected) << out.text;
}

const Case kCases[] = {
    {"raw_fields_reach_a_sink",
     R"(
sinks:
  lake: {type: blackhole, inputs: [in], accepts: [public, internal]}
)",
     {{"lake", "email", "confidential"},
      {"lake", "card", "restricted"},
      {"lake", "client", "confidential"},
      {"lake", "message", "confidential"}}},
    {"a_sink_without_accepts_is_not_checked",
     R"(
sinks:
  anything: {type: blackhole, inputs: [in]}
)",
     {}},
    {"restricted_clearance_takes_everything",
     R"(
sinks:
  vault: {type: blackhole, inputs: [in], accepts: restricted}
)",
     {}},
    {"govern_field_rules_lower_to_internal_or_remove",
     R"(
transforms:
  protect:
    type: govern
    inputs: [in]
    fields: {email: tokenize, card: drop, client: mask, message: hash}
    key_env: SLUICE_TEST_NO_SUCH_KEYS
sinks:
  lake: {type: blackhole, inputs: [protect], accepts: [public, internal]}
  public_board: {type: blackhole, inputs: [protect], accepts: public}
)",
     {{"public_board", "email", "internal"},
      {"public_board", "client", "internal"},
      {"public_board", "message", "internal"},
      {"public_board", "user_id", "internal"}}},
    {"allow_and_class_rules_do_not_lower_a_declared_field",
     R"(
transforms:
  protect:
    type: govern
    inputs: [in]
    fields: {email: allow, card: drop, client: drop, message: drop}
    classes: {confidential: tokenize}
    key_env: SLUICE_TEST_NO_SUCH_KEYS
sinks:
  lake: {type: blackhole, inputs: [protect], accepts: [public, internal]}
)",
     {{"lake", "email", "confidential"}}},
    {"remap_rename_moves_the_class_and_delete_removes_it",
     R"(
transforms:
  r:
    type: remap
    inputs: [in]
    rename: {email: contact}
    delete: [card, client, message]
sinks:
  lake: {type: blackhole, inputs: [r], accepts: [public, internal]}
)",
     {{"lake", "contact", "confidential"}}},
    {"remap_set_gives_a_computed_field_its_sources_class",
     R"(
transforms:
  r:
    type: remap
    inputs: [in]
    set:
      domain: split(.email, "@")[1]
      last4: upper(.card)
      latency_s: 1.5
    delete: [email, card, client, message]
sinks:
  lake: {type: blackhole, inputs: [r], accepts: [public, internal]}
)",
     {{"lake", "domain", "confidential"}, {"lake", "last4", "restricted"}}},
    {"a_field_moved_out_of_a_classified_object_keeps_its_class",
     R"(
transforms:
  r:
    type: remap
    inputs: [in]
    rename: {client.ip: ip}
    delete: [email, card, client, message]
sinks:
  lake: {type: blackhole, inputs: [r], accepts: [public, internal]}
)",
     {{"lake", "ip", "confidential"}}},
    {"window_statistics_carry_no_class_but_values_and_keys_do",
     R"(
transforms:
  w:
    type: window
    inputs: [in]
    size: 1m
    key_fields: [email]
    aggregates:
      users: distinct(.user_id)
      events: count()
      spend: sum(.card)
      first_card: first(.card)
  w2:
    type: window
    inputs: [in]
    size: 1m
    aggregates:
      users: distinct(.email)
sinks:
  hot: {type: blackhole, inputs: [w], accepts: public}
  hot2: {type: blackhole, inputs: [w2], accepts: public}
  late: {type: blackhole, inputs: [w.late, w2.late], accepts: restricted}
)",
     {{"hot", "email", "confidential"}, {"hot", "first_card", "restricted"}}},
    {"dead_letters_carry_what_came_in",
     R"(
transforms:
  protect:
    type: govern
    inputs: [in]
    fields: {email: tokenize, card: drop, client: drop, message: drop}
    key_env: SLUICE_TEST_NO_SUCH_KEYS
sinks:
  lake: {type: blackhole, inputs: [protect], accepts: [public, internal]}
  rejected: {type: blackhole, inputs: [protect.dead_letter], accepts: [public, internal]}
)",
     {{"rejected", "email", "confidential"},
      {"rejected", "card", "restricted"},
      {"rejected", "client", "confidential"},
      {"rejected", "message", "confidential"}}},
    {"one_raw_input_among_governed_ones_is_enough",
     R"(
transforms:
  protect:
    type: govern
    inputs: [in]
    fields: {email: tokenize, card: drop, client: drop, message: drop}
    key_env: SLUICE_TEST_NO_SUCH_KEYS
  raw:
    type: remap
    inputs: [in]
    delete: [card, client, message]
sinks:
  lake: {type: blackhole, inputs: [protect, raw], accepts: [public, internal]}
)",
     {{"lake", "email", "confidential"}}},
    {"route_and_filter_pass_fields_on",
     R"(
transforms:
  only_errors: {type: filter, inputs: [in], condition: .status >= 500}
  split:
    type: route
    inputs: [only_errors]
    routes: {eu: 'starts_with(.region, "eu")'}
sinks:
  eu: {type: blackhole, inputs: [split.eu], accepts: [public, internal, confidential]}
  rest: {type: blackhole, inputs: [split], accepts: restricted}
)",
     {{"eu", "card", "restricted"}}},
    {"parse_into_the_root_spreads_the_class_of_what_it_parsed",
     R"(
transforms:
  p: {type: parse, inputs: [in], field: .message, format: logfmt}
  strip:
    type: remap
    inputs: [p]
    delete: [email, card, client, message]
sinks:
  lake: {type: blackhole, inputs: [strip], accepts: [public, internal]}
)",
     {{"lake", "user_id", "confidential"}, {"lake", "*", "confidential"}}},
    {"parse_into_a_target_classes_the_target",
     R"(
transforms:
  p: {type: parse, inputs: [in], field: .message, format: logfmt, target: .parsed, drop_field: true}
  strip:
    type: remap
    inputs: [p]
    delete: [email, card, client]
sinks:
  lake: {type: blackhole, inputs: [strip], accepts: [public, internal]}
)",
     {{"lake", "parsed", "confidential"}}},
    {"anomaly_events_hold_series_fields_and_the_value",
     R"(
transforms:
  a:
    type: anomaly
    inputs: [in]
    value: .latency_ms
    series: [user_id]
sinks:
  alerts: {type: blackhole, inputs: [a], accepts: public}
)",
     {{"alerts", "user_id", "internal"}, {"alerts", "series", "internal"}}},
    {"what_a_sink_refuses_carries_what_reached_it",
     R"(
transforms:
  protect:
    type: govern
    inputs: [in]
    fields: {email: tokenize, card: drop, client: drop, message: drop}
    key_env: SLUICE_TEST_NO_SUCH_KEYS
sinks:
  lake: {type: blackhole, inputs: [protect], accepts: [public, internal]}
  quarantine: {type: blackhole, inputs: [lake.rejected], accepts: public}
)",
     {{"quarantine", "email", "internal"}, {"quarantine", "user_id", "internal"}}},
};

INSTANTIATE_TEST_SUITE_P(Matrix, ExposurePolicy, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(ExposurePolicyDefaults, TheSchemasDefaultClassesEveryFieldItDoesNotName) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(R"(
schemas:
  s: {fields: {email: confidential}, default: internal}
sources:
  in: {type: generator, schema: s}
transforms:
  r: {type: remap, inputs: [in], delete: [email]}
sinks:
  board: {type: blackhole, inputs: [r], accepts: public}
)",
                                   "default.yaml", runtime::Registry::builtin(), diagnostics);
  EXPECT_FALSE(config);
  ASSERT_EQ(diagnostics.size(), 1u) << diagnostics.format();
  EXPECT_NE(diagnostics.list()[0].message.find("every field the schema does not name (internal)"),
            std::string::npos)
      << diagnostics.format();
}

TEST(ExposurePolicyMessages, NameTheFieldItsPathThroughTheGraphAndTheSink) {
  Outcome out = validate(R"(
transforms:
  enrich:
    type: remap
    inputs: [in]
    set: {domain: 'split(.email, "@")[1]'}
    delete: [email, card, client, message]
  owners: {type: filter, inputs: [enrich], condition: .status > 0}
sinks:
  lake: {type: blackhole, inputs: [owners], accepts: [public, internal]}
)");
  EXPECT_NE(out.text.find("policy.yaml:"), std::string::npos);
  EXPECT_NE(out.text.find("sink \"lake\": field domain (confidential) reaches it, but it accepts "
                          "only public, internal"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("path: in → enrich → owners → lake"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("from email: confidential in schema \"people\""), std::string::npos)
      << out.text;
}

TEST(ExposurePolicyNames, UnknownClassesAndSchemasAreReportedWhereTheyAreWritten) {
  Diagnostics diagnostics;
  auto config = load_pipeline_text(R"(schemas:
  s:
    fields: {email: secret}
    default: pubic
sources:
  in: {type: generator, schema: t}
sinks:
  out: {type: blackhole, inputs: [in], accepts: [public, internl]}
)",
                                   "names.yaml", runtime::Registry::builtin(), diagnostics);
  EXPECT_FALSE(config);
  const std::string text = diagnostics.format();
  EXPECT_NE(text.find("names.yaml:3:21: schema \"s\": field email: \"secret\" is not a class"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("names.yaml:4:14: schema \"s\": default: \"pubic\" is not a class (did you "
                      "mean \"public\"?)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("names.yaml:6:33: source \"in\": schema \"t\" is not defined"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("accepts: \"internl\" is not a class (did you mean \"internal\"?)"),
            std::string::npos)
      << text;
}

TEST(ExposurePolicySchemaFile, ASchemaInAFileOfItsOwnClassesFieldsAndItsProblemsNameThatFile) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/requests_schema.yaml", bad = dir + "/broken_schema.yaml";
  std::ofstream(good) << "fields:\n  email: confidential\n";
  std::ofstream(bad) << "fields:\n  email: secrets\n";
  const std::string pipeline = R"(
schemas:
  requests: )" + good + R"(
sources:
  in: {type: generator, schema: requests}
sinks:
  lake: {type: blackhole, inputs: [in], accepts: internal}
)";
  Diagnostics diagnostics;
  EXPECT_FALSE(
      load_pipeline_text(pipeline, "file.yaml", runtime::Registry::builtin(), diagnostics));
  EXPECT_NE(diagnostics.format().find("field email (confidential) reaches it"), std::string::npos)
      << diagnostics.format();

  Diagnostics broken;
  std::string with_bad = pipeline;
  with_bad.replace(with_bad.find(good), good.size(), bad);
  EXPECT_FALSE(load_pipeline_text(with_bad, "file.yaml", runtime::Registry::builtin(), broken));
  EXPECT_NE(broken.format().find(
                bad + ":2:10: schema \"requests\": field email: \"secrets\" is not a class"),
            std::string::npos)
      << broken.format();

  Diagnostics missing;
  std::string with_missing = pipeline;
  with_missing.replace(with_missing.find(good), good.size(), dir + "/no_such_schema.yaml");
  EXPECT_FALSE(
      load_pipeline_text(with_missing, "file.yaml", runtime::Registry::builtin(), missing));
  EXPECT_NE(missing.format().find("file.yaml:3:13: schema \"requests\": cannot open"),
            std::string::npos)
      << missing.format();
}

}  // namespace
}  // namespace sluice
