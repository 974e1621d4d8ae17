// EventCodec: the compact binary form of an event's fields, as stored in the log.
//
// JSON is what producers send, but parsing it again on every read of the log would
// cost as much as the ingest itself; this form decodes at memory speed. It is
// self-contained per event (field names inline), so any single record of the log
// can be decoded on its own, by `sluice log dump` as by the pipeline.
//
// Byte layout of a value (varints are LEB128; signed ones are zigzag-encoded):
//
//   tag:u8   low 4 bits: kind (see Tag in event_codec.cpp)
//   null, false, true        tag only
//   int, timestamp           tag, signed varint
//   double                   tag, 8 bytes little-endian IEEE 754
//   big integer              tag, 8-byte double approximation, varint length, digits
//   string                   tag, varint length, UTF-8 bytes
//   array                    tag, varint count, values
//   object                   tag, varint count, (varint name length, name, value) per field
//
// Decoding checks every length against the input and nests at most 64 levels, so
// corrupt or hostile bytes give an error, never a crash.
#pragma once

#include <string>
#include <string_view>

#include "core/arena.h"
#include "core/status.h"
#include "core/value.h"

namespace sluice::format {

// Appends the encoding of `value` to *out.
void encode_value(const Value& value, std::string* out);

// Decodes one value from the whole of `bytes`. Strings point into `bytes`, which
// must therefore live as long as the value (copy it into the arena first).
Status decode_value(std::string_view bytes, Arena& arena, Value* out);

}  // namespace sluice::format
