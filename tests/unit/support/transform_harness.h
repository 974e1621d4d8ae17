// Test support: run one transform, built from a YAML snippet, over hand-made events.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "format/json_reader.h"
#include "format/json_writer.h"
#include "support/pipeline_fixture.h"

namespace sluice::testing {

class TransformHarness {
 public:
  // `transform_yaml` is the body of a transform named "t" reading source "in".
  explicit TransformHarness(const std::string& transform_yaml)
      : config_(load_config("sources:\n  in: {type: generator}\ntransforms:\n  t:\n" + transform_yaml +
                            "\nsinks:\n  out: {type: blackhole, inputs: [t]}\n")),
        component_(*config_.find("t")),
        stats_(component_.name, component_.kind, component_.type) {
    BuildContext ctx{component_, config_, stats_};
    auto made = runtime::Registry::builtin().transform(component_.type)->make(ctx);
    if (!made) throw std::runtime_error(made.status().message());
    transform_ = std::move(made).value();
  }

  // Runs the transform over JSON events; returns each port's events as JSON lines.
  std::vector<std::vector<std::string>> run(const std::vector<std::string>& json_events) {
    Batch in;
    format::JsonReader reader;
    for (const std::string& json : json_events) {
      Value v;
      Status s = reader.read_object(json, in.arena(), &v);
      if (!s.is_ok()) throw std::runtime_error(s.message());
      in.events.push_back(Event{v, 0});
    }
    size_t port_count = 2 + (component_.spec->named_outputs ? component_.spec->named_outputs(component_.options).size() : 0);
    std::vector<Batch> ports(port_count, in.derive());
    transform::TransformOutputs outputs(ports, component_.name, stats_);
    transform_->process(in, outputs);
    std::vector<std::vector<std::string>> out;
    for (const Batch& b : ports) {
      std::vector<std::string> lines;
      for (const Event& e : b.events) lines.push_back(format::to_json(e.fields));
      out.push_back(std::move(lines));
    }
    return out;
  }

  const observe::ComponentStats& stats() const { return stats_; }

 private:
  PipelineConfig config_;
  const ComponentConfig& component_;
  observe::ComponentStats stats_;
  std::unique_ptr<transform::Transform> transform_;
};

}  // namespace sluice::testing
