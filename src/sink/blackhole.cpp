#include "sink/blackhole.h"

namespace sluice::sink {
namespace {

class BlackholeSink final : public Sink {
 public:
  explicit BlackholeSink(const BuildContext& ctx) : stats_(ctx.stats) {}

  Status write(const Batch& batch) override {
    stats_.add_in(batch.size());
    stats_.add_out(batch.size());
    return Status::ok();
  }
  Status flush() override { return Status::ok(); }

 private:
  observe::ComponentStats& stats_;
};

}  // namespace

SinkType blackhole_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "blackhole";
  spec.summary = "Counts events and discards them (benchmarks, dry runs).";
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    return std::unique_ptr<Sink>(std::make_unique<BlackholeSink>(ctx));
                  }};
}

}  // namespace sluice::sink
