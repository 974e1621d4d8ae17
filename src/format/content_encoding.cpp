#include "format/content_encoding.h"

#include <zlib.h>
#include <zstd.h>

#include "core/ascii.h"

namespace sluice::format {
namespace {

Status too_large(size_t max_bytes) {
  return Status::exhausted("decoded body is larger than the limit of " + std::to_string(max_bytes) + " bytes");
}

Status gunzip(std::string_view body, size_t max_bytes, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Status::internal("zlib init failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  out->clear();
  char chunk[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Status::invalid(std::string("body is not valid gzip: ") + (z.msg ? z.msg : "truncated"));
    }
    out->append(chunk, sizeof chunk - z.avail_out);
    if (out->size() > max_bytes) {
      inflateEnd(&z);
      return too_large(max_bytes);
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return Status::invalid("body is not valid gzip: it ends early");
    }
  }
  inflateEnd(&z);
  return Status::ok();
}

Status unzstd(std::string_view body, size_t max_bytes, std::string* out) {
  ZSTD_DStream* stream = ZSTD_createDStream();
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  out->clear();
  char chunk[65536];
  size_t rc = 1;
  while (in.pos < in.size || rc != 0) {
    ZSTD_outBuffer o{chunk, sizeof chunk, 0};
    rc = ZSTD_decompressStream(stream, &o, &in);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDStream(stream);
      return Status::invalid(std::string("body is not valid zstd: ") + ZSTD_getErrorName(rc));
    }
    out->append(chunk, o.pos);
    if (out->size() > max_bytes) {
      ZSTD_freeDStream(stream);
      return too_large(max_bytes);
    }
    if (in.pos == in.size && o.pos == 0 && rc != 0) {
      ZSTD_freeDStream(stream);
      return Status::invalid("body is not valid zstd: it ends early");
    }
  }
  ZSTD_freeDStream(stream);
  return Status::ok();
}

}  // namespace

Status decode_content(std::string_view encoding, std::string_view body, size_t max_bytes, std::string* out) {
  const std::string e = lower_ascii(trim_ascii_space(encoding));
  if (e.empty() || e == "identity") {
    out->assign(body);
    return Status::ok();
  }
  if (e == "gzip" || e == "x-gzip") return gunzip(body, max_bytes, out);
  if (e == "zstd") return unzstd(body, max_bytes, out);
  return Status::not_found("unsupported Content-Encoding \"" + std::string(encoding) + "\" (use gzip, zstd or none)");
}

}  // namespace sluice::format
