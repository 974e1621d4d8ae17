// kafka sink: events as JSON messages on a Kafka topic.
//
// One idempotent producer (acks=all). write() produces every event of the batch
// and returns only once Kafka acknowledged each of them: its delivery reports are
// what lets the pipeline commit the batch's offsets. A failed delivery fails the
// write, which the runtime retries; events of the batch already stored are then
// written again (at-least-once, as everywhere; the idempotent producer only
// prevents the duplicates of its own retries).
//
// `key` is an expression (a string is used as is, other values as their JSON
// text, null or an evaluation error sends no key and, for an error, counts it);
// `headers` maps header names to fields, sent when present.
#pragma once

#include "sink/sink.h"

namespace sluice::sink {

SinkType kafka_sink_type();

}  // namespace sluice::sink
