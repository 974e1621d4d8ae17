// Test support: one sink built from its YAML options (reading a source "in"), and
// batches of events from JSON objects as the log hands them to sinks.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/pipeline_fixture.h"

namespace sluice::testing {

inline constexpr int64_t kSinkTestTime = 1'795'514'400'000'000;  // 2026-11-24T10:00:00Z

struct SinkUnderTest {
  // `options`: YAML lines of the sink's options, indented by four spaces.
  SinkUnderTest(const std::string& data_dir, const std::string& type, const std::string& name,
                const std::string& options)
      : config(load_config("data_dir: " + data_dir +
                           "\nsources:\n  in: {type: generator, count: 1}\nsinks:\n  " + name +
                           ":\n    type: " + type + "\n    inputs: [in]\n" + options)),
        stats(name, ComponentKind::kSink, type) {
    BuildContext ctx{*config.find(name), config, stats};
    auto made = runtime::Registry::builtin().sink(type)->make(ctx);
    EXPECT_TRUE(made) << made.status().message();
    if (made) sink = std::move(*made);
  }
  PipelineConfig config;
  observe::ComponentStats stats;
  std::unique_ptr<sink::Sink> sink;
};

// Events from JSON objects read from partition `partition` of source "in": at
// consecutive offsets from `first_offset` (or at `offsets`), all at
// kSinkTestTime. A negative first offset makes events from no record (window results).
inline Batch batch_of(const std::vector<std::string>& objects, int64_t first_offset,
                      int32_t partition = 0, std::vector<int64_t> offsets = {}) {
  Batch batch;
  batch.origin.source = "in";
  batch.origin.partition = first_offset < 0 ? -1 : partition;
  for (size_t i = 0; i < objects.size(); ++i) {
    Event e;
    e.fields = parse_line(objects[i], batch.arena());
    e.time_us = kSinkTestTime;
    e.offset = !offsets.empty()   ? offsets[i]
               : first_offset < 0 ? -1
                                  : first_offset + static_cast<int64_t>(i);
    batch.events.push_back(e);
  }
  batch.origin.first_offset = batch.events.empty() ? -1 : batch.events.front().offset;
  batch.origin.last_offset = batch.events.empty() ? -1 : batch.events.back().offset;
  return batch;
}

}  // namespace sluice::testing
