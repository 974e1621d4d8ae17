#include "log/compression.h"

#include "format/compression.h"

namespace sluice::log {

const char* codec_name(Codec c) {
  switch (c) {
    case Codec::kNone: return "none";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
  }
  return "?";
}

namespace {
format::Compression to_format(Codec c) {
  switch (c) {
    case Codec::kNone: return format::Compression::kNone;
    case Codec::kZstd: return format::Compression::kZstd;
    case Codec::kLz4: return format::Compression::kLz4;
  }
  return format::Compression::kNone;
}
bool known(Codec c) { return c == Codec::kNone || c == Codec::kZstd || c == Codec::kLz4; }
}  // namespace

Status compress(Codec codec, std::string_view raw, std::string* out) {
  if (!known(codec)) return Status::internal("unknown codec");
  // Level 1: the log is on the ingest path, where CPU matters more than ratio.
  return format::compress(to_format(codec), raw, out, 1);
}

Status decompress(Codec codec, std::string_view stored, size_t raw_size, std::string* out) {
  if (!known(codec)) return Status::corruption("unknown codec " + std::to_string(static_cast<int>(codec)));
  return format::decompress(to_format(codec), stored, raw_size, out);
}

}  // namespace sluice::log
