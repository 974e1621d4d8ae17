#include "sink/console.h"

#include <cstdio>

#include "format/json_writer.h"

namespace sluice::sink {
namespace {

class ConsoleSink final : public Sink {
 public:
  explicit ConsoleSink(const BuildContext& ctx)
      : stream_(ctx.options().get_string("stream") == "stderr" ? stderr : stdout), stats_(ctx.stats) {}

  Status write(const Batch& batch) override {
    buffer_.clear();
    for (const Event& event : batch.events) format::append_ndjson_line(event, buffer_);
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), stream_) != buffer_.size()) {
      return Status::io_error("console: cannot write to the output stream");
    }
    stats_.add_in(batch.size());
    stats_.add_out(batch.size());
    stats_.add_bytes_out(buffer_.size());
    return Status::ok();
  }

  Status flush() override {
    if (std::fflush(stream_) != 0) return Status::io_error("console: cannot flush the output stream");
    return Status::ok();
  }

 private:
  std::FILE* stream_;
  observe::ComponentStats& stats_;
  std::string buffer_;
};

}  // namespace

SinkType console_sink_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kSink;
  spec.type = "console";
  spec.summary = "Writes events as NDJSON to standard output or standard error.";
  spec.options = {
      OptionSpec::optional("stream", OptionType::kEnum, "stdout", "Where to write.").one_of({"stdout", "stderr"}),
  };
  return SinkType{std::move(spec), [](const BuildContext& ctx) -> Result<std::unique_ptr<Sink>> {
                    return std::unique_ptr<Sink>(std::make_unique<ConsoleSink>(ctx));
                  }};
}

}  // namespace sluice::sink
