// http source: producers POST events; sluice answers only once they are durable.
//
// POST <path> with a JSON object, a JSON array of objects, or NDJSON (one object
// per line), optionally gzip- or zstd-encoded. Answers:
//   200 {"accepted": N}                       every event is in the log, durable by the topic's policy
//   400 {"accepted", "rejected", "errors"}     malformed events, one entry per bad event with its line
//                                              (on_invalid: reject stores none; accept_valid stores the good ones)
//   401 / 403                                 missing / wrong API key (Authorization: Bearer or X-API-Key)
//   404 / 405                                 another path / another method
//   413                                       body (or decoded body) over max_body_size
//   415                                       a content type or encoding that is not JSON / gzip / zstd
//   503 + Retry-After                         the log is over a bound (disk limit, backlog, disk full)
#pragma once

#include "source/source.h"

namespace sluice::source {

SourceType http_source_type();

}  // namespace sluice::source
