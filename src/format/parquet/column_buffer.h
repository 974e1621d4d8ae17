// ColumnBuffer: the values of one column for the row group being built.
//
// Rows are appended in order; a row without a value is null (definition level 0).
// Values are kept decoded in flat vectors — int64/timestamp/boolean in ints_,
// doubles in doubles_, strings as one byte buffer plus offsets — and, while the
// dictionary stays within its budget, as dictionary indices too, so encoding a
// row group needs no second pass over the events.
//
// A column can be promoted to a wider type (int64 → double, anything → string)
// while it holds values; rows can be cut back (truncate) to retract the last
// appends. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/column_type.h"
#include "format/parquet/dictionary.h"

namespace sluice::format::parquet {

class ColumnBuffer {
 public:
  // `dictionary_bytes`: the dictionary's budget; 0 never dictionary-encodes.
  // Boolean columns have none (a bit per value is already smaller).
  ColumnBuffer(ColumnType type, size_t dictionary_bytes);

  ColumnType type() const { return type_; }
  size_t rows() const { return defined_.size(); }
  size_t values() const { return values_; }

  void append_null() { defined_.push_back(0); }
  // For int64, timestamp (µs) and boolean (0/1) columns.
  void append_int(int64_t v);
  void append_double(double v);
  void append_string(std::string_view v);
  // Rows up to `rows` that got no value are null.
  void pad_to(size_t rows) {
    if (rows > defined_.size()) defined_.resize(rows, 0);
  }

  // Forgets every row from `rows` on.
  void truncate(size_t rows);
  // Converts the values held to `to` (promoted_type() of the current type).
  void promote(ColumnType to);
  // Empties the buffer for the next row group, keeping its type and capacity.
  void clear();

  // Bytes the values would take PLAIN-encoded: what sizes a row group.
  size_t plain_bytes() const;

  std::span<const uint8_t> defined() const { return defined_; }
  std::span<const int64_t> ints() const { return ints_; }
  std::span<const double> doubles() const { return doubles_; }
  std::string_view string_at(size_t i) const {
    return std::string_view(string_bytes_.data() + string_offsets_[i],
                            string_offsets_[i + 1] - string_offsets_[i]);
  }
  // Null once the dictionary outgrew its budget (or the column has none).
  const Dictionary* dictionary() const { return dictionary_ ? &*dictionary_ : nullptr; }
  std::span<const uint32_t> dictionary_indices() const { return indices_; }

 private:
  // After this many values a chunk whose values are over half distinct stops
  // dictionary encoding, in this and every later row group of the column.
  static constexpr size_t kDictionaryProbeValues = 4096;

  void add_index(bool ok, uint32_t index);
  void drop_dictionary();
  void rebuild_dictionary();

  ColumnType type_;
  size_t dictionary_bytes_;       // the budget asked for; unused while the type is boolean
  std::vector<uint8_t> defined_;  // per row: 1 value, 0 null
  size_t values_ = 0;             // rows with a value
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::string string_bytes_;
  std::vector<uint32_t> string_offsets_{0};
  std::optional<Dictionary> dictionary_;
  bool dictionary_hopeless_ = false;
  std::vector<uint32_t> indices_;
};

// The text a value of a promoted-to-string column gets: what JSON would show,
// without quotes (timestamps as RFC 3339 in UTC).
std::string int_as_text(ColumnType from, int64_t v);
std::string double_as_text(double v);

}  // namespace sluice::format::parquet
