// Thrift's compact protocol, the encoding of Parquet's metadata (file footer and
// page headers), written and read by hand: Debian packages no Parquet library, and
// the subset Parquet uses is small.
//
// Byte layout (see the Thrift compact protocol specification):
//   field header  1 byte (delta << 4 | type) when the field id is 1..15 above the
//                 previous one in the same struct; else the type byte, then the id
//                 as a zigzag varint. Booleans carry their value in the type
//                 (1 true, 2 false) and have no body.
//   i16/i32/i64   zigzag varint          double  8 bytes little-endian
//   binary        varint length, bytes   struct  fields, then a 0 byte (stop)
//   list          1 byte (size << 4 | element type) when size < 15, else
//                 (0xF0 | element type) and a varint size; then the elements
// Field ids are relative per struct, so nested structs keep a stack of the last id.
//
// CompactReader never reads past its input and never recurses without bound: a
// malformed footer becomes an error, not a crash (see tests/fuzz/parquet_fuzz.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::format::parquet {

enum class CompactType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) { last_ids_.push_back(0); }

  void field_bool(int16_t id, bool value);
  void field_i32(int16_t id, int32_t value);
  void field_i64(int16_t id, int64_t value);
  void field_binary(int16_t id, std::string_view value);
  // A struct field: its fields follow, then end_struct().
  void begin_struct_field(int16_t id);
  // A list field of `size` elements of `element` type; the elements follow.
  void begin_list_field(int16_t id, CompactType element, size_t size);

  void element_i32(int32_t value);
  void element_binary(std::string_view value);
  // A struct element of a list: its fields follow, then end_struct().
  void begin_struct_element();

  // Ends the innermost struct (also the top-level one) with a stop byte.
  void end_struct();

 private:
  void field_header(int16_t id, CompactType type);
  void varint(uint64_t v);

  std::string* out_;
  std::vector<int16_t> last_ids_;
};

class CompactReader {
 public:
  explicit CompactReader(std::string_view bytes)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()) {
    last_ids_.push_back(0);
  }

  // The next field of the current struct; false at its stop byte (or on an error).
  bool next_field(int16_t* id, CompactType* type);
  bool read_bool(CompactType field_type) const { return field_type == CompactType::kTrue; }
  int8_t read_byte();
  int32_t read_i32();
  int64_t read_i64();
  double read_double();
  std::string_view read_binary();
  // Enters a struct field or struct element; leave it with end_struct() after
  // next_field() returned false.
  void begin_struct();
  void end_struct();
  // A list header: element type and count (bounded by the bytes left).
  bool read_list_header(CompactType* element, uint32_t* size);
  // List elements of type bool are one byte each.
  bool read_bool_element();
  // Skips a value of `type` (and everything inside it).
  void skip(CompactType type);

  bool ok() const { return error_.empty(); }
  // Stops reading with an error (also for limits the caller sets).
  void fail(const char* what);
  const std::string& error() const { return error_; }
  // Bytes consumed so far.
  size_t position(const char* begin) const { return static_cast<size_t>(p_ - begin); }
  const char* cursor() const { return p_; }

 private:
  uint64_t varint();
  void skip_at_depth(CompactType type, int depth);

  const char* p_;
  const char* end_;
  std::vector<int16_t> last_ids_;
  std::string error_;
};

}  // namespace sluice::format::parquet
