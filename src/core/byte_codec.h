// ByteWriter / ByteReader: a small binary form for saved state (transform state,
// checkpoints): LEB128 varints (zigzag for signed), 8-byte little-endian doubles
// and length-prefixed strings.
//
// The reader checks every length against its input and remembers the first
// failure, so a truncated or foreign checkpoint is an error, never a crash; callers
// read everything and test ok() once at the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/varint.h"

namespace sluice {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void u64(uint64_t v) { put_varint(v, out_); }
  void i64(int64_t v) { put_varint(zigzag(v), out_); }
  void f64(double v) {
    char bytes[8];
    std::memcpy(bytes, &v, 8);
    out_->append(bytes, 8);
  }
  void bytes(std::string_view v) {
    u64(v.size());
    out_->append(v);
  }
  std::string* out() { return out_; }

 private:
  std::string* out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  uint64_t u64() {
    uint64_t v = 0;
    if (ok_ && !get_varint(p_, end_, &v)) ok_ = false;
    return ok_ ? v : 0;
  }
  int64_t i64() { return unzigzag(u64()); }
  double f64() {
    double v = 0;
    if (!ok_ || end_ - p_ < 8) {
      ok_ = false;
      return 0;
    }
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }
  std::string_view bytes() {
    const uint64_t n = u64();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) {
      ok_ = false;
      return {};
    }
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  // A count of items still to read: refuses counts the remaining bytes cannot hold,
  // so a garbled count cannot make the caller reserve gigabytes.
  uint64_t count(size_t min_bytes_each = 1) {
    const uint64_t n = u64();
    if (ok_ && n > static_cast<uint64_t>(end_ - p_) / (min_bytes_each ? min_bytes_each : 1))
      ok_ = false;
    return ok_ ? n : 0;
  }
  void fail() { ok_ = false; }
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace sluice
