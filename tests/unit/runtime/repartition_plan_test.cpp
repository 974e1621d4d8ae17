#include "runtime/repartition_plan.h"

#include <gtest/gtest.h>

#include "support/pipeline_fixture.h"

namespace sluice::runtime {
namespace {

using testing::load_config;

std::vector<std::string> inputs_of(const PipelineConfig& config, const std::string& name) {
  std::vector<std::string> names;
  const ComponentConfig* c = config.find(name);
  EXPECT_NE(c, nullptr) << name;
  if (c == nullptr) return names;
  for (const InputRef& input : c->inputs) names.push_back(input.component);
  return names;
}

TEST(RepartitionPlan, EachStatefulTransformReadsATopicKeyedByItsStateKeyAsWideAsItsWidestInput) {
  PipelineConfig config = load_config(R"(
data_dir: /tmp/never-used
sources:
  api: {type: http, address: "127.0.0.1:1", partitions: 4, retention_age: 2d}
  devices: {type: http, address: "127.0.0.1:2", path: /devices, partitions: 6, retention_age: 3d}
transforms:
  clean: {type: filter, inputs: [api, devices], condition: ".bytes > 0"}
  per_minute:
    type: window
    inputs: [clean]
    size: 1m
    key_fields: [service, region]
    aggregates: {n: count()}
  once: {type: dedup, inputs: [api], key_fields: [id]}
  total:
    type: window
    inputs: [devices]
    size: 1m
    aggregates: {n: count()}
sinks:
  minutes: {type: blackhole, inputs: [per_minute, total]}
  unique: {type: blackhole, inputs: [once, clean]}
)");
  auto plan = plan_repartitions(config, Registry::builtin(), "g");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(plan->why_not, "");
  ASSERT_EQ(plan->transforms.size(), 3u);

  const RepartitionedTransform* windows = plan->by_transform("per_minute");
  ASSERT_NE(windows, nullptr);
  EXPECT_EQ(windows->topic.name, "g.per_minute.repartition");
  EXPECT_EQ(windows->topic.partitions, 6) << "the widest source upstream";
  EXPECT_EQ(windows->changelog, "g.per_minute.changelog");
  EXPECT_EQ(windows->topic.retention_age_us, int64_t(3) * 86400'000'000)
      << "kept as long as the longest-kept input";
  ASSERT_EQ(windows->key.size(), 2u);
  EXPECT_EQ(windows->key[0].to_string(), ".service");
  EXPECT_EQ(windows->key[1].to_string(), ".region");
  EXPECT_EQ(plan->by_component("per_minute:repartition"), windows);
  EXPECT_EQ(plan->by_component("per_minute:repartitioned"), windows);

  const RepartitionedTransform* dedup = plan->by_transform("once");
  ASSERT_NE(dedup, nullptr);
  EXPECT_EQ(dedup->topic.partitions, 4);
  EXPECT_EQ(dedup->key.size(), 1u);
  EXPECT_EQ(dedup->topic.retention_age_us, int64_t(2) * 86400'000'000);

  const RepartitionedTransform* one_series = plan->by_transform("total");
  ASSERT_NE(one_series, nullptr);
  EXPECT_TRUE(one_series->key.empty());
  EXPECT_EQ(one_series->topic.partitions, 1) << "without a key, all its events may share state";

  // The graph rewritten around each: its inputs feed the topic, it reads the topic back.
  EXPECT_EQ(inputs_of(config, "per_minute:repartition"), (std::vector<std::string>{"clean"}));
  EXPECT_EQ(inputs_of(config, "per_minute"),
            (std::vector<std::string>{"per_minute:repartitioned"}));
  EXPECT_EQ(inputs_of(config, "once:repartition"), (std::vector<std::string>{"api"}));
  EXPECT_EQ(inputs_of(config, "once"), (std::vector<std::string>{"once:repartitioned"}));
  EXPECT_EQ(inputs_of(config, "unique"), (std::vector<std::string>{"once", "clean"}))
      << "sinks untouched";
  EXPECT_EQ(config.find("per_minute:repartition")->kind, ComponentKind::kSink);
  EXPECT_EQ(config.find("per_minute:repartitioned")->kind, ComponentKind::kSource);
  EXPECT_EQ(plan->by_component("clean"), nullptr);
}

TEST(RepartitionPlan, AStatefulTransformBehindADedupReadsTheDedupsOutputThroughItsOwnTopic) {
  PipelineConfig config = load_config(R"(
data_dir: /tmp/never-used
sources:
  api: {type: http, address: "127.0.0.1:1", partitions: 4}
transforms:
  once: {type: dedup, inputs: [api], key_fields: [id]}
  per_minute:
    type: window
    inputs: [once]
    size: 1m
    key_fields: [service]
    aggregates: {n: count()}
sinks:
  minutes: {type: blackhole, inputs: [per_minute]}
)");
  auto plan = plan_repartitions(config, Registry::builtin(), "g");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(plan->why_not, "");
  ASSERT_EQ(plan->transforms.size(), 2u);
  ASSERT_NE(plan->by_transform("once"), nullptr);
  const RepartitionedTransform* windows = plan->by_transform("per_minute");
  ASSERT_NE(windows, nullptr);
  EXPECT_EQ(windows->topic.partitions, 4) << "as wide as the source behind the dedup";
  ASSERT_EQ(windows->key.size(), 1u);
  EXPECT_EQ(windows->key[0].to_string(), ".service");
  // api → once:repartition; once:repartitioned → once → per_minute:repartition;
  // per_minute:repartitioned → per_minute → minutes.
  EXPECT_EQ(inputs_of(config, "once:repartition"), (std::vector<std::string>{"api"}));
  EXPECT_EQ(inputs_of(config, "once"), (std::vector<std::string>{"once:repartitioned"}));
  EXPECT_EQ(inputs_of(config, "per_minute:repartition"), (std::vector<std::string>{"once"}));
  EXPECT_EQ(inputs_of(config, "per_minute"),
            (std::vector<std::string>{"per_minute:repartitioned"}));
}

TEST(RepartitionPlan, AStatefulTransformFedByWindowResultsKeepsThePipelineWhole) {
  PipelineConfig config = load_config(R"(
data_dir: /tmp/never-used
sources:
  api: {type: http, address: "127.0.0.1:1", partitions: 4}
transforms:
  per_minute:
    type: window
    inputs: [api]
    size: 1m
    key_fields: [service]
    aggregates: {n: count()}
  spikes:
    type: anomaly
    inputs: [per_minute]
    value: .n
    series: [service]
sinks:
  alerts: {type: blackhole, inputs: [spikes]}
)");
  const size_t components = config.components.size();
  auto plan = plan_repartitions(config, Registry::builtin(), "g");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_TRUE(plan->transforms.empty());
  EXPECT_NE(plan->why_not.find("\"spikes\" reads the results of transform \"per_minute\""),
            std::string::npos)
      << plan->why_not;
  EXPECT_EQ(config.components.size(), components) << "the graph is left as it was";
  EXPECT_EQ(inputs_of(config, "spikes"), (std::vector<std::string>{"per_minute"}));
}

TEST(RepartitionPlan, APipelineWithoutStateNeedsNoRepartition) {
  PipelineConfig config = load_config(R"(
data_dir: /tmp/never-used
sources:
  api: {type: http, address: "127.0.0.1:1"}
sinks:
  out: {type: blackhole, inputs: [api]}
)");
  auto plan = plan_repartitions(config, Registry::builtin(), "g");
  ASSERT_TRUE(plan.is_ok());
  EXPECT_TRUE(plan->transforms.empty());
  EXPECT_EQ(plan->why_not, "");
}

}  // namespace
}  // namespace sluice::runtime
