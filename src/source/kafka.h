// kafka source: consumes existing Kafka topics into the pipeline.
//
// A Kafka consumer group (by default `sluice-<source name>`) splits the topics'
// partitions among every instance running the source. Messages are taken in
// batches, turned into events, appended to the source's log topic, and only once
// that append is durable are their offsets committed to Kafka: a crash replays
// what was not committed (at-least-once), it never skips.
//
// Values are read as `json` (one object per message), `ndjson` (one object per
// line of each message) or `raw` (the value as a string in `raw_field`). A value
// that does not parse — with ndjson, a line that does not, the other lines of the
// message being kept — is counted as an error, logged with its topic, partition and
// offset (1 in 1000 after the first), and skipped; it stays in Kafka for whoever
// wants to look at it. With `metadata_field`, each event carries the message's
// topic, partition, offset, timestamp, key and headers under that field.
//
// `start` says where to begin: committed (resume from the group's commits; a
// partition it never committed starts at the earliest record), earliest or latest
// (the first share of partitions an instance gets when it starts begins there,
// whatever the group committed, even partitions other instances were reading;
// partitions that move to it later continue from the commit their last owner made).
//
// A batch the log refuses (not a full log or brokers out of reach, which are waited
// out) fails the source: it is not committed, and reading on would commit past it.
#pragma once

#include "source/source.h"

namespace sluice::source {

SourceType kafka_source_type();

}  // namespace sluice::source
