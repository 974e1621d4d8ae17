// What every stateful transform tells the runtime so it can split its state over the
// instances of a group (runtime/repartition_plan.h): the fields its state is keyed
// by, and how many entries it holds (summed over the partitions for its gauge).
#include <gtest/gtest.h>

#include <set>

#include "runtime/registry.h"
#include "support/transform_harness.h"

namespace sluice::transform {
namespace {

using testing::TransformHarness;

std::vector<std::string> key_of(TransformHarness& t) {
  std::vector<std::string> names;
  for (const FieldPath& f : t.transform().state_key()) names.push_back(f.to_string());
  return names;
}

// Events of three services, two users each; times within one minute.
const std::vector<std::string> kEvents = {
    R"({"service":"a","user":1,"ms":5})", R"({"service":"a","user":2,"ms":6})",
    R"({"service":"b","user":1,"ms":7})", R"({"service":"b","user":3,"ms":8})",
    R"({"service":"c","user":1,"ms":9})", R"({"service":"c","user":4,"ms":10})"};
const std::vector<int64_t> kTimes = {1'000'000, 2'000'000, 3'000'000,
                                     4'000'000, 5'000'000, 6'000'000};

TEST(StateKey, EveryStatefulTransformNamesItsKeyAndCountsTheEntriesItHolds) {
  struct Case {
    std::string type;
    std::string yaml;
    std::vector<std::string> key;
    uint64_t entries;  // after kEvents
  };
  const std::vector<Case> cases = {
      {"window",
       "    type: window\n    inputs: [in]\n    size: 1m\n    key_fields: [service]\n"
       "    aggregates: {n: count()}",
       {".service"},
       3},
      {"dedup",
       "    type: dedup\n    inputs: [in]\n    key_fields: [service, user]",
       {".service", ".user"},
       6},
      {"throttle",
       "    type: throttle\n    inputs: [in]\n    key_fields: [user]\n    limit: 10\n    window: "
       "1m",
       {".user"},
       4},
      {"anomaly",
       "    type: anomaly\n    inputs: [in]\n    value: .ms\n    series: [service]\n    interval: "
       "1s",
       {".service"},
       3},
  };
  std::set<std::string> stateful_types;
  for (const Case& c : cases) {
    TransformHarness t(c.yaml);
    stateful_types.insert(c.type);
    EXPECT_EQ(key_of(t), c.key) << c.yaml;
    EXPECT_EQ(t.transform().state_entries(), 0u) << c.yaml;
    t.run(kEvents, kTimes);
    EXPECT_EQ(t.transform().state_entries(), c.entries) << c.yaml;
    EXPECT_EQ(t.transform().state_entries(), t.stats().snapshot().state_entries)
        << "the count agrees with the gauge it sets itself: " << c.yaml;
    std::string state;
    t.transform().save_state(&state);
    EXPECT_FALSE(state.empty()) << "what it holds goes into checkpoints: " << c.yaml;
  }
  // The runtime knows them by their type's flag alone (checkpoints, the scale-out
  // plan); every other type declares none.
  const runtime::Registry& registry = runtime::Registry::builtin();
  for (const std::string& type : registry.types(ComponentKind::kTransform)) {
    EXPECT_EQ(registry.transform(type)->stateful, stateful_types.count(type) == 1) << type;
  }
  EXPECT_EQ(stateful_types.size(), 4u);
}

TEST(StateKey, AStatelessTransformHoldsNothingToSplit) {
  TransformHarness t("    type: filter\n    inputs: [in]\n    condition: .ms > 6");
  EXPECT_FALSE(runtime::Registry::builtin().transform("filter")->stateful);
  EXPECT_TRUE(t.transform().state_key().empty());
  t.run(kEvents, kTimes);
  EXPECT_EQ(t.transform().state_entries(), 0u);
  std::string state;
  t.transform().save_state(&state);
  EXPECT_TRUE(state.empty());
}

}  // namespace
}  // namespace sluice::transform
