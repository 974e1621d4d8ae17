// RepartitionSink: the sink end of a repartition topic (repartition_plan.h).
//
// Appends what reaches it to the topic, keyed by the stateful transform's state
// key and carrying each event's upstream position (TopicWriter::carry_upstream).
// Durable once the append returns: the upstream offsets commit after it, like
// after any sink.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/topic_writer.h"
#include "sink/sink.h"

namespace sluice::runtime {

class RepartitionSink final : public sink::Sink {
 public:
  explicit RepartitionSink(std::unique_ptr<TopicWriter> writer) : writer_(std::move(writer)) {
    writer_->carry_upstream();
  }
  // After a batch failed, only that batch again (the runner's retry) until it succeeds:
  // had a later one gone in while the runner gave up on the first (at shutdown), the
  // topic would hold a gap, and the replay filling it would look like one of events
  // already taken (UpstreamMarks) and be dropped. Refused, they are read again instead.
  Status write(const Batch& batch) override {
    const Identity identity{batch.origin.source, batch.origin.partition, batch.origin.first_offset,
                            batch.origin.last_offset, batch.size()};
    if (failed_ && !(*failed_ == identity)) {
      return Status(StatusCode::kUnavailable,
                    "an earlier batch could not be appended to the repartition topic; later ones "
                    "wait so that it has no gap");
    }
    Status s = writer_->append(batch);
    if (s.is_ok()) {
      failed_.reset();
    } else {
      failed_ = identity;
    }
    return s;
  }
  Status flush() override { return Status::ok(); }

 private:
  struct Identity {
    std::string source;
    int32_t partition;
    int64_t first_offset, last_offset;
    size_t events;
    bool operator==(const Identity&) const = default;
  };
  std::unique_ptr<TopicWriter> writer_;
  std::optional<Identity> failed_;
};

}  // namespace sluice::runtime
