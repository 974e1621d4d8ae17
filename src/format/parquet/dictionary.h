// Dictionary: the distinct values of one column chunk, for RLE_DICTIONARY pages.
//
// Values get dense indices in order of first sight. An open-addressing hash table
// maps a value to its index without allocating per value. The dictionary has a
// budget (the size of its PLAIN-encoded page): a column whose distinct values
// outgrow it (trace ids, free text) is written PLAIN instead — a dictionary would
// only cost there.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/column_type.h"

namespace sluice::format::parquet {

class Dictionary {
 public:
  Dictionary(ColumnType type, size_t max_plain_bytes);

  // The index of `v`, adding it when new. False once adding would exceed the
  // budget; the dictionary then stays as it is and the caller abandons it.
  bool index_of_int(int64_t v, uint32_t* index);    // int64, timestamp
  bool index_of_double(double v, uint32_t* index);  // by bit pattern: -0.0 and NaNs stay distinct
  bool index_of_string(std::string_view v, uint32_t* index);

  size_t size() const { return count_; }
  // The bytes of entry `index` (8 little-endian bytes for fixed-width types).
  std::string_view value_bytes(uint32_t index) const;
  size_t plain_bytes() const { return plain_bytes_; }
  // The dictionary page body: every value PLAIN-encoded, in index order.
  void encode_plain(std::string* out) const;
  void clear();

 private:
  bool insert(uint64_t hash, std::string_view bytes, uint32_t* index);
  void grow();

  ColumnType type_;
  size_t max_plain_bytes_;
  size_t count_ = 0;
  size_t plain_bytes_ = 0;
  // Fixed-width values: 8 bytes each in values_; strings: bytes in values_,
  // boundaries in offsets_ (count_ + 1 entries).
  std::string values_;
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> slots_;        // index + 1; 0 is empty
  std::vector<uint32_t> slot_hashes_;  // low bits of the hash, to skip most compares
};

}  // namespace sluice::format::parquet
