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
  explicit TransformHarness(const std::string& transform_yaml,
                            std::vector<std::pair<std::string, int32_t>> input_partitions = {})
      : config_(load_config("sources:\n  in: {type: generator}\ntransforms:\n  t:\n" + transform_yaml +
                            "\nsinks:\n  out: {type: blackhole, inputs: [t]}\n")),
        component_(*config_.find("t")),
        stats_(component_.name, component_.kind, component_.type) {
    BuildContext ctx{component_, config_, stats_, std::move(input_partitions)};
    auto made = runtime::Registry::builtin().transform(component_.type)->make(ctx);
    if (!made) throw std::runtime_error(made.status().message());
    transform_ = std::move(made).value();
  }

  using PortLines = std::vector<std::vector<std::string>>;

  // Runs the transform over JSON events; returns each port's events as JSON lines.
  PortLines run(const std::vector<std::string>& json_events) { return run(json_events, {}); }

  // The same with event times (µs, one per event; 0 when the list is short) and
  // the input partition the batch came from.
  PortLines run(const std::vector<std::string>& json_events, const std::vector<int64_t>& times_us,
                int32_t partition = 0) {
    Batch in;
    in.origin.source = "in";
    in.origin.partition = partition;
    format::JsonReader reader;
    for (size_t i = 0; i < json_events.size(); ++i) {
      Value v;
      Status s = reader.read_object(json_events[i], in.arena(), &v);
      if (!s.is_ok()) throw std::runtime_error(s.message());
      in.events.push_back(Event{v, i < times_us.size() ? times_us[i] : 0});
    }
    return call(in, [&](transform::TransformOutputs& outputs) { transform_->process(in, outputs); });
  }

  PortLines flush() {
    Batch empty;
    return call(empty, [&](transform::TransformOutputs& outputs) { transform_->flush(outputs); });
  }
  PortLines tick(int64_t now_us) {
    Batch empty;
    return call(empty, [&](transform::TransformOutputs& outputs) { transform_->on_tick(now_us, outputs); });
  }

  transform::Transform& transform() { return *transform_; }

  const observe::ComponentStats& stats() const { return stats_; }

 private:
  template <typename F>
  PortLines call(const Batch& in, F&& body) {
    size_t port_count = 2 + (component_.spec->named_outputs ? component_.spec->named_outputs(component_.options).size() : 0);
    std::vector<Batch> ports(port_count, in.derive());
    transform::TransformOutputs outputs(ports, component_.name, stats_);
    body(outputs);
    PortLines out;
    for (const Batch& b : ports) {
      std::vector<std::string> lines;
      for (const Event& e : b.events) lines.push_back(format::to_json(e.fields));
      out.push_back(std::move(lines));
    }
    return out;
  }

  PipelineConfig config_;
  const ComponentConfig& component_;
  observe::ComponentStats stats_;
  std::unique_ptr<transform::Transform> transform_;
};

}  // namespace sluice::testing
