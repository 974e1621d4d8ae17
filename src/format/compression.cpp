#include "format/compression.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace sluice::format {

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kZstd:
      return "zstd";
    case Compression::kLz4:
      return "lz4";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kGzip:
      return "gzip";
  }
  return "?";
}

namespace {

// One context per thread, reused: creating one costs more than compressing a batch.
ZSTD_CCtx* zstd_compressor() {
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> owned(ZSTD_createCCtx(),
                                                                          ZSTD_freeCCtx);
  return owned.get();
}
ZSTD_DCtx* zstd_decompressor() {
  thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> owned(ZSTD_createDCtx(),
                                                                          ZSTD_freeDCtx);
  return owned.get();
}

Status gzip_compress(std::string_view raw, std::string* out, int level) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer rather than a bare zlib stream.
  if (deflateInit2(&z, level == 0 ? 6 : level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::internal("gzip: cannot initialise");
  }
  const size_t at = out->size();
  out->resize(at + deflateBound(&z, raw.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data() + at);
  z.avail_out = static_cast<uInt>(out->size() - at);
  const int rc = deflate(&z, Z_FINISH);
  out->resize(at + z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? Status::ok() : Status::internal("gzip compression failed");
}

Status gzip_decompress(std::string_view stored, size_t raw_size, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK)
    return Status::internal("gzip: cannot initialise");  // +32: gzip or zlib
  out->resize(raw_size);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data()));
  z.avail_in = static_cast<uInt>(stored.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(raw_size);
  const int rc = inflate(&z, Z_FINISH);
  const size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != raw_size)
    return Status::corruption("gzip data does not decompress");
  return Status::ok();
}

}  // namespace

Status compress(Compression c, std::string_view raw, std::string* out, int level) {
  const size_t at = out->size();
  switch (c) {
    case Compression::kNone:
      out->append(raw);
      return Status::ok();
    case Compression::kZstd: {
      out->resize(at + ZSTD_compressBound(raw.size()));
      const size_t n = ZSTD_compressCCtx(zstd_compressor(), out->data() + at, out->size() - at,
                                         raw.data(), raw.size(), level == 0 ? 3 : level);
      if (ZSTD_isError(n))
        return Status::internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      out->resize(at + n);
      return Status::ok();
    }
    case Compression::kLz4: {
      if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE))
        return Status::invalid("block too large for lz4");
      out->resize(at + LZ4_compressBound(static_cast<int>(raw.size())));
      const int n = LZ4_compress_default(raw.data(), out->data() + at, static_cast<int>(raw.size()),
                                         static_cast<int>(out->size() - at));
      if (n <= 0) return Status::internal("lz4 compression failed");
      out->resize(at + static_cast<size_t>(n));
      return Status::ok();
    }
    case Compression::kSnappy: {
      out->resize(at + snappy::MaxCompressedLength(raw.size()));
      size_t n = 0;
      snappy::RawCompress(raw.data(), raw.size(), out->data() + at, &n);
      out->resize(at + n);
      return Status::ok();
    }
    case Compression::kGzip:
      return gzip_compress(raw, out, level);
  }
  return Status::internal("unknown compression");
}

Status decompress(Compression c, std::string_view stored, size_t raw_size, std::string* out) {
  switch (c) {
    case Compression::kNone:
      if (stored.size() != raw_size)
        return Status::corruption("stored size differs from the recorded size");
      out->assign(stored);
      return Status::ok();
    case Compression::kZstd: {
      out->resize(raw_size);
      const size_t n = ZSTD_decompressDCtx(zstd_decompressor(), out->data(), raw_size,
                                           stored.data(), stored.size());
      if (ZSTD_isError(n) || n != raw_size)
        return Status::corruption("zstd data does not decompress");
      return Status::ok();
    }
    case Compression::kLz4: {
      if (raw_size > static_cast<size_t>(LZ4_MAX_INPUT_SIZE))
        return Status::corruption("lz4 block too large");
      out->resize(raw_size);
      const int n = LZ4_decompress_safe(stored.data(), out->data(), static_cast<int>(stored.size()),
                                        static_cast<int>(raw_size));
      if (n < 0 || static_cast<size_t>(n) != raw_size)
        return Status::corruption("lz4 data does not decompress");
      return Status::ok();
    }
    case Compression::kSnappy: {
      size_t length = 0;
      if (!snappy::GetUncompressedLength(stored.data(), stored.size(), &length) ||
          length != raw_size) {
        return Status::corruption("snappy data does not decompress to the recorded size");
      }
      out->resize(raw_size);
      if (!snappy::RawUncompress(stored.data(), stored.size(), out->data())) {
        return Status::corruption("snappy data does not decompress");
      }
      return Status::ok();
    }
    case Compression::kGzip:
      return gzip_decompress(stored, raw_size, out);
  }
  return Status::corruption("unknown compression");
}

}  // namespace sluice::format
