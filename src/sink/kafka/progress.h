// Progress of a transactional kafka sink: how far into each source partition of
// the pipeline's log its committed transactions reach.
//
// Every transaction carries, besides the batch's messages, one record in the
// sink's progress topic: key "<sink>/<source>/<partition>", value the next log
// offset as decimal text (both readable with any Kafka client). Written in the
// same transaction, it becomes visible exactly when the messages do. The sink
// reads the topic to its end with isolation.level=read_committed when it starts
// (and again when a partition may have been written by another instance); the
// last record of each key says where the messages in Kafka end, and a replayed
// event below that is skipped. Only a key's latest record matters, so the topic
// is meant to be compacted (cleanup.policy=compact).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"
#include "log/kafka_client.h"

namespace sluice::sink::kafka {

// (source name, partition) → the next log offset not yet in Kafka.
using SourcePartition = std::pair<std::string, int32_t>;
using Progress = std::map<SourcePartition, int64_t>;

std::string progress_key(std::string_view sink, const SourcePartition& where);
std::string progress_value(int64_t next_offset);

// The source partition a key of `sink` names; nullopt for another sink's key or
// a key sluice did not write.
std::optional<SourcePartition> parse_progress_key(std::string_view key, std::string_view sink);
std::optional<int64_t> parse_progress_value(std::string_view value);

// Reads every partition of `topic` from its start to its end, committed
// transactions only, and returns the latest progress of `sink`. A missing topic
// is an error that says how to create it; not reaching every partition's end by
// `deadline` is kUnavailable.
Result<Progress> read_progress(const log::KafkaClientSettings& connection, const std::string& topic,
                               const std::string& sink,
                               std::chrono::steady_clock::time_point deadline);

}  // namespace sluice::sink::kafka
