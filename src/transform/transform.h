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
#include "core/field_path.h"
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
  // At the end of a bounded input, a stateful transform emits what it still holds.
  // Not called on a stop: state is checkpointed instead, and a restart resumes it.
  virtual void flush(TransformOutputs& out) { (void)out; }
  // Called on the pipeline thread about every 100 ms with the steady clock, input or
  // not, for what depends on processing time (idle inputs, periodic early results).
  virtual void on_tick(int64_t now_us, TransformOutputs& out) {
    (void)now_us;
    (void)out;
  }

  // State that outlives a batch (windows, dedup, anomaly models). The runtime saves
  // it together with the input offsets it reflects (runtime/checkpoint_store.h) and
  // loads it back before reading resumes, so a restart neither loses nor double
  // counts an event. load_state() gets exactly what save_state() wrote, possibly by
  // an earlier process; a mismatch (corruption) is an error, never a crash. A
  // transform with such state says so in its type (TransformType::stateful).
  // The fields that decide which state an event touches: events that differ in them
  // never share state, so the runtime may split the work by them across instances
  // (runtime/partitioned_state.h). Empty: all events may share state.
  virtual std::vector<FieldPath> state_key() const { return {}; }
  // Entries of state held now (open windows, keys seen, series): the runtime sums
  // them over the partitions of a split transform for its state_entries gauge.
  virtual uint64_t state_entries() const { return 0; }
  virtual void save_state(std::string* out) const { (void)out; }
  virtual Status load_state(std::string_view bytes) {
    (void)bytes;
    return Status::ok();
  }
};

// A transform type: its options and its factory; registered in runtime/registry.cpp.
struct TransformType {
  ComponentSpec spec;
  std::function<Result<std::unique_ptr<Transform>>(const BuildContext&)> make;
  // Whether what `make` builds keeps state past a batch (save_state/load_state above):
  // the one place the runtime learns it, known without building one (the scale-out
  // plan asks before the pipeline is built; an enrich table is not loaded for it).
  bool stateful = false;
  // Whether every event it emits carries the log position (Event::offset) of the
  // input event it came from, as a dedup's or a throttle's do and a window's results
  // do not. A stateful transform reading its output then tells a replay from a new
  // event by that position, so on a shared log both split by key
  // (runtime/repartition_plan.h).
  bool passes_positions = false;
};

}  // namespace sluice::transform
