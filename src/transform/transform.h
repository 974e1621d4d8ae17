// Transform: one node of the processing graph.
//
// process() reads an input batch and appends events to its outputs: port 0 is the
// default output, then the named outputs in the order the spec declares them, and
// last the dead-letter output. An event the transform cannot handle goes to the
// dead-letter output with the reason — never dropped silently.
//
// Called on the pipeline thread only; a transform needs no locking. Events are
// immutable (core/value.h): a transform that changes an event builds a new one in
// the batch's arena and leaves the input as it was.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch.h"
#include "core/config/options.h"
#include "observe/component_stats.h"
#include "runtime/build_context.h"

namespace sluice::transform {

class TransformOutputs {
 public:
  // Ports are created by the runtime as batches derived from the input batch.
  TransformOutputs(std::vector<Batch>& ports, std::string_view component, observe::ComponentStats& stats)
      : ports_(ports), component_(component), stats_(stats) {}

  Batch& port(size_t index) { return ports_[index]; }
  Batch& main() { return ports_.front(); }
  size_t port_count() const { return ports_.size(); }

  // Sends `original` to the dead-letter output, wrapped as
  // {"component": ..., "reason": ..., "event": {...original...}}.
  void dead_letter(const Event& original, std::string_view reason);

 private:
  std::vector<Batch>& ports_;
  std::string_view component_;
  observe::ComponentStats& stats_;
};

class Transform {
 public:
  virtual ~Transform() = default;
  virtual void process(const Batch& in, TransformOutputs& out) = 0;
  // At shutdown, a stateful transform emits what it still holds.
  virtual void flush(TransformOutputs& out) { (void)out; }
};

// A transform type: its options and its factory; registered in runtime/registry.cpp.
struct TransformType {
  ComponentSpec spec;
  std::function<Result<std::unique_ptr<Transform>>(const BuildContext&)> make;
};

}  // namespace sluice::transform
