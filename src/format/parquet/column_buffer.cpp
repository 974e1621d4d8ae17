#include "format/parquet/column_buffer.h"

#include "core/value.h"
#include "format/json_writer.h"

namespace sluice::format::parquet {

namespace {
bool fixed_width(ColumnType t) {
  return t != ColumnType::kString;
}
}  // namespace

std::string int_as_text(ColumnType from, int64_t v) {
  std::string text;
  switch (from) {
    case ColumnType::kBoolean:
      return v ? "true" : "false";
    case ColumnType::kTimestamp:
      append_json(Value::timestamp(v), text);
      return text.size() >= 2 ? text.substr(1, text.size() - 2) : text;  // drop the quotes
    default:
      return std::to_string(v);
  }
}

std::string double_as_text(double v) {
  std::string text;
  append_json(Value::floating(v), text);
  return text;
}

ColumnBuffer::ColumnBuffer(ColumnType type, size_t dictionary_bytes)
    : type_(type), dictionary_bytes_(dictionary_bytes) {
  if (dictionary_bytes_ > 0 && type_ != ColumnType::kBoolean)
    dictionary_.emplace(type_, dictionary_bytes_);
}

void ColumnBuffer::add_index(bool ok, uint32_t index) {
  if (ok) {
    indices_.push_back(index);
    // Mostly distinct values (ids, timestamps) make a dictionary larger than the
    // values and cost a hash per value: give it up for good once that shows.
    if (values_ == kDictionaryProbeValues && dictionary_->size() * 2 > values_) {
      dictionary_hopeless_ = true;
      drop_dictionary();
    }
  } else {
    // Over budget: this chunk is written PLAIN; the next row group tries again.
    drop_dictionary();
  }
}

void ColumnBuffer::drop_dictionary() {
  dictionary_.reset();
  indices_.clear();
  indices_.shrink_to_fit();
}

void ColumnBuffer::append_int(int64_t v) {
  defined_.push_back(1);
  ++values_;
  ints_.push_back(v);
  if (dictionary_) {
    uint32_t index = 0;
    const bool ok = dictionary_->index_of_int(v, &index);  // before reading index
    add_index(ok, index);
  }
}

void ColumnBuffer::append_double(double v) {
  defined_.push_back(1);
  ++values_;
  doubles_.push_back(v);
  if (dictionary_) {
    uint32_t index = 0;
    const bool ok = dictionary_->index_of_double(v, &index);  // before reading index
    add_index(ok, index);
  }
}

void ColumnBuffer::append_string(std::string_view v) {
  defined_.push_back(1);
  ++values_;
  string_bytes_.append(v);
  string_offsets_.push_back(static_cast<uint32_t>(string_bytes_.size()));
  if (dictionary_) {
    uint32_t index = 0;
    const bool ok = dictionary_->index_of_string(v, &index);  // before reading index
    add_index(ok, index);
  }
}

void ColumnBuffer::truncate(size_t rows) {
  if (rows >= defined_.size()) return;
  size_t keep = 0;
  for (size_t i = 0; i < rows; ++i) keep += defined_[i];
  defined_.resize(rows);
  values_ = keep;
  if (type_ == ColumnType::kDouble) {
    doubles_.resize(keep);
  } else if (type_ == ColumnType::kString) {
    string_bytes_.resize(string_offsets_[keep]);
    string_offsets_.resize(keep + 1);
  } else {
    ints_.resize(keep);
  }
  // Dictionary entries only the retracted values used stay: harmless, and rare.
  if (dictionary_) indices_.resize(keep);
}

void ColumnBuffer::promote(ColumnType to) {
  if (to == type_) return;
  if (to == ColumnType::kDouble && type_ == ColumnType::kInt64) {
    for (int64_t v : ints_) doubles_.push_back(static_cast<double>(v));
  } else if (to == ColumnType::kString) {
    for (size_t i = 0; i < values_; ++i) {
      string_bytes_ +=
          type_ == ColumnType::kDouble ? double_as_text(doubles_[i]) : int_as_text(type_, ints_[i]);
      string_offsets_.push_back(static_cast<uint32_t>(string_bytes_.size()));
    }
    doubles_.clear();
  }
  ints_.clear();
  type_ = to;
  rebuild_dictionary();
}

void ColumnBuffer::rebuild_dictionary() {
  indices_.clear();
  dictionary_.reset();
  dictionary_hopeless_ = false;  // a new type, a new chance
  if (dictionary_bytes_ == 0 || type_ == ColumnType::kBoolean) return;
  dictionary_.emplace(type_, dictionary_bytes_);
  for (size_t i = 0; i < values_ && dictionary_; ++i) {
    uint32_t index = 0;
    bool ok;
    if (type_ == ColumnType::kString)
      ok = dictionary_->index_of_string(string_at(i), &index);
    else if (type_ == ColumnType::kDouble)
      ok = dictionary_->index_of_double(doubles_[i], &index);
    else
      ok = dictionary_->index_of_int(ints_[i], &index);
    add_index(ok, index);
  }
}

void ColumnBuffer::clear() {
  defined_.clear();
  values_ = 0;
  ints_.clear();
  doubles_.clear();
  string_bytes_.clear();
  string_offsets_.assign(1, 0);
  indices_.clear();
  if (dictionary_bytes_ > 0 && type_ != ColumnType::kBoolean && !dictionary_hopeless_) {
    if (dictionary_)
      dictionary_->clear();
    else
      dictionary_.emplace(type_, dictionary_bytes_);
  }
}

size_t ColumnBuffer::plain_bytes() const {
  if (type_ == ColumnType::kBoolean) return (values_ + 7) / 8;
  if (fixed_width(type_)) return values_ * 8;
  return string_bytes_.size() + 4 * values_;
}

}  // namespace sluice::format::parquet
