#include "format/parquet/thrift_compact.h"

#include <cstring>

#include "core/varint.h"

namespace sluice::format::parquet {

// ---- writer ---------------------------------------------------------------

void CompactWriter::varint(uint64_t v) {
  put_varint(v, out_);
}

void CompactWriter::field_header(int16_t id, CompactType type) {
  const int16_t delta = static_cast<int16_t>(id - last_ids_.back());
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    varint(zigzag(id));
  }
  last_ids_.back() = id;
}

void CompactWriter::field_bool(int16_t id, bool value) {
  field_header(id, value ? CompactType::kTrue : CompactType::kFalse);
}

void CompactWriter::field_i32(int16_t id, int32_t value) {
  field_header(id, CompactType::kI32);
  varint(zigzag(value));
}

void CompactWriter::field_i64(int16_t id, int64_t value) {
  field_header(id, CompactType::kI64);
  varint(zigzag(value));
}

void CompactWriter::field_binary(int16_t id, std::string_view value) {
  field_header(id, CompactType::kBinary);
  element_binary(value);
}

void CompactWriter::begin_struct_field(int16_t id) {
  field_header(id, CompactType::kStruct);
  last_ids_.push_back(0);
}

void CompactWriter::begin_list_field(int16_t id, CompactType element, size_t size) {
  field_header(id, CompactType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<uint8_t>(element)));
    varint(size);
  }
}

void CompactWriter::element_i32(int32_t value) {
  varint(zigzag(value));
}

void CompactWriter::element_binary(std::string_view value) {
  varint(value.size());
  out_->append(value.data(), value.size());
}

void CompactWriter::begin_struct_element() {
  last_ids_.push_back(0);
}

void CompactWriter::end_struct() {
  out_->push_back(0);
  if (last_ids_.size() > 1) last_ids_.pop_back();
}

// ---- reader ---------------------------------------------------------------

namespace {
// Parquet metadata nests about five structs deep; anything far deeper is hostile.
constexpr int kMaxDepth = 64;
}  // namespace

void CompactReader::fail(const char* what) {
  if (error_.empty()) error_ = what;
  p_ = end_;
}

uint64_t CompactReader::varint() {
  uint64_t v = 0;
  if (!get_varint(p_, end_, &v)) fail("truncated or overlong varint");
  return v;
}

bool CompactReader::next_field(int16_t* id, CompactType* type) {
  if (!ok()) return false;
  if (p_ >= end_) {
    fail("metadata ends inside a struct");
    return false;
  }
  const auto byte = static_cast<uint8_t>(*p_++);
  const auto t = static_cast<CompactType>(byte & 0x0F);
  if (t == CompactType::kStop) return false;
  if (static_cast<uint8_t>(t) > static_cast<uint8_t>(CompactType::kStruct)) {
    fail("unknown field type");
    return false;
  }
  const int delta = byte >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_ids_.back() + delta);
  } else {
    const int64_t v = unzigzag(varint());
    if (v < INT16_MIN || v > INT16_MAX) {
      fail("field id out of range");
      return false;
    }
    *id = static_cast<int16_t>(v);
  }
  last_ids_.back() = *id;
  *type = t;
  return ok();
}

int8_t CompactReader::read_byte() {
  if (p_ >= end_) {
    fail("truncated byte");
    return 0;
  }
  return static_cast<int8_t>(*p_++);
}

int32_t CompactReader::read_i32() {
  const int64_t v = unzigzag(varint());
  if (v < INT32_MIN || v > INT32_MAX) {
    fail("i32 out of range");
    return 0;
  }
  return static_cast<int32_t>(v);
}

int64_t CompactReader::read_i64() {
  return unzigzag(varint());
}

double CompactReader::read_double() {
  if (end_ - p_ < 8) {
    fail("truncated double");
    return 0;
  }
  double d;
  std::memcpy(&d, p_, 8);
  p_ += 8;
  return d;
}

std::string_view CompactReader::read_binary() {
  const uint64_t size = varint();
  if (!ok()) return {};
  if (size > static_cast<uint64_t>(end_ - p_)) {
    fail("binary longer than the metadata");
    return {};
  }
  std::string_view v(p_, size);
  p_ += size;
  return v;
}

void CompactReader::begin_struct() {
  if (last_ids_.size() > kMaxDepth) {
    fail("metadata nested too deeply");
    return;
  }
  last_ids_.push_back(0);
}

void CompactReader::end_struct() {
  if (last_ids_.size() > 1) last_ids_.pop_back();
}

bool CompactReader::read_list_header(CompactType* element, uint32_t* size) {
  if (p_ >= end_) {
    fail("truncated list header");
    return false;
  }
  const auto byte = static_cast<uint8_t>(*p_++);
  *element = static_cast<CompactType>(byte & 0x0F);
  uint64_t n = byte >> 4;
  if (n == 15) n = varint();
  // Every element takes at least one byte: a larger count is a lie.
  if (!ok() || n > static_cast<uint64_t>(end_ - p_)) {
    fail("list longer than the metadata");
    return false;
  }
  *size = static_cast<uint32_t>(n);
  return true;
}

bool CompactReader::read_bool_element() {
  if (p_ >= end_) {
    fail("truncated bool");
    return false;
  }
  return static_cast<uint8_t>(*p_++) == 1;
}

void CompactReader::skip(CompactType type) {
  skip_at_depth(type, 0);
}

void CompactReader::skip_at_depth(CompactType type, int depth) {
  if (!ok()) return;
  if (depth > kMaxDepth) {
    fail("metadata nested too deeply");
    return;
  }
  switch (type) {
    case CompactType::kTrue:
    case CompactType::kFalse:
      return;
    case CompactType::kByte:
      if (p_ >= end_)
        fail("truncated byte");
      else
        ++p_;
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      varint();
      return;
    case CompactType::kDouble:
      read_double();
      return;
    case CompactType::kBinary:
      read_binary();
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      CompactType element;
      uint32_t size;
      if (!read_list_header(&element, &size)) return;
      for (uint32_t i = 0; i < size && ok(); ++i) {
        if (element == CompactType::kTrue || element == CompactType::kFalse) {
          read_bool_element();
        } else {
          skip_at_depth(element, depth + 1);
        }
      }
      return;
    }
    case CompactType::kMap: {
      const uint64_t size = varint();
      if (size == 0 || !ok()) return;
      if (p_ >= end_ || size > static_cast<uint64_t>(end_ - p_)) {
        fail("map longer than the metadata");
        return;
      }
      const auto kinds = static_cast<uint8_t>(*p_++);
      for (uint64_t i = 0; i < size && ok(); ++i) {
        skip_at_depth(static_cast<CompactType>(kinds >> 4), depth + 1);
        skip_at_depth(static_cast<CompactType>(kinds & 0x0F), depth + 1);
      }
      return;
    }
    case CompactType::kStruct: {
      begin_struct();
      int16_t id;
      CompactType t;
      while (next_field(&id, &t)) skip_at_depth(t, depth + 1);
      end_struct();
      return;
    }
    case CompactType::kStop:
      fail("unexpected stop");
      return;
  }
  fail("unknown type");
}

}  // namespace sluice::format::parquet
