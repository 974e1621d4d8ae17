// RepartitionSink: the sink end of a repartition topic (repartition_plan.h).
//
// Appends what reaches it to the topic, keyed by the stateful transform's state
// key and carrying each event's upstream position (TopicWriter::carry_upstream).
// Durable once the append returns: the upstream offsets commit after it, like
// after any sink.
#pragma once

#include <memory>

#include "runtime/topic_writer.h"
#include "sink/sink.h"

namespace sluice::runtime {

class RepartitionSink final : public sink::Sink {
 public:
  explicit RepartitionSink(std::unique_ptr<TopicWriter> writer) : writer_(std::move(writer)) {
    writer_->carry_upstream();
  }
  Status write(const Batch& batch) override { return writer_->append(batch); }
  Status flush() override { return Status::ok(); }

 private:
  std::unique_ptr<TopicWriter> writer_;
};

}  // namespace sluice::runtime
