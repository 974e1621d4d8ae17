#include "log/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <memory>

namespace sluice::log {

const char* codec_name(Codec c) {
  switch (c) {
    case Codec::kNone: return "none";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
  }
  return "?";
}

Status compress(Codec codec, std::string_view raw, std::string* out) {
  const size_t at = out->size();
  switch (codec) {
    case Codec::kNone: out->append(raw); return Status::ok();
    case Codec::kZstd: {
      // Level 1: the log is on the ingest path, where CPU matters more than ratio.
      // One context per thread, reused: creating one costs more than compressing a batch.
      thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> owned(ZSTD_createCCtx(), ZSTD_freeCCtx);
      ZSTD_CCtx* ctx = owned.get();
      out->resize(at + ZSTD_compressBound(raw.size()));
      size_t n = ZSTD_compressCCtx(ctx, out->data() + at, out->size() - at, raw.data(), raw.size(), 1);
      if (ZSTD_isError(n)) return Status::internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      out->resize(at + n);
      return Status::ok();
    }
    case Codec::kLz4: {
      if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return Status::invalid("batch too large for lz4");
      out->resize(at + LZ4_compressBound(static_cast<int>(raw.size())));
      int n = LZ4_compress_default(raw.data(), out->data() + at, static_cast<int>(raw.size()),
                                   static_cast<int>(out->size() - at));
      if (n <= 0) return Status::internal("lz4 compression failed");
      out->resize(at + n);
      return Status::ok();
    }
  }
  return Status::internal("unknown codec");
}

Status decompress(Codec codec, std::string_view stored, size_t raw_size, std::string* out) {
  if (codec == Codec::kNone) {
    if (stored.size() != raw_size) return Status::corruption("stored size differs from the recorded size");
    out->assign(stored);
    return Status::ok();
  }
  out->resize(raw_size);
  switch (codec) {
    case Codec::kNone: break;  // handled above
    case Codec::kZstd: {
      thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> owned(ZSTD_createDCtx(), ZSTD_freeDCtx);
      ZSTD_DCtx* ctx = owned.get();
      size_t n = ZSTD_decompressDCtx(ctx, out->data(), raw_size, stored.data(), stored.size());
      if (ZSTD_isError(n) || n != raw_size) return Status::corruption("zstd payload does not decompress");
      return Status::ok();
    }
    case Codec::kLz4: {
      int n = LZ4_decompress_safe(stored.data(), out->data(), static_cast<int>(stored.size()),
                                  static_cast<int>(raw_size));
      if (n < 0 || static_cast<size_t>(n) != raw_size) return Status::corruption("lz4 payload does not decompress");
      return Status::ok();
    }
  }
  return Status::corruption("unknown codec " + std::to_string(static_cast<int>(codec)));
}

}  // namespace sluice::log
