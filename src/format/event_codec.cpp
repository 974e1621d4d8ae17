#include "format/event_codec.h"

#include <bit>
#include <cstring>
#include <vector>

#include "core/varint.h"

namespace sluice::format {
namespace {

enum Tag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt = 3,
  kTagDouble = 4,
  kTagBigInteger = 5,
  kTagString = 6,
  kTagTimestamp = 7,
  kTagArray = 8,
  kTagObject = 9,
};

constexpr int kMaxDepth = 64;

void put_double(double d, std::string* out) {
  char buf[8];
  std::memcpy(buf, &d, 8);
  out->append(buf, 8);
}

void encode(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull: out->push_back(kTagNull); return;
    case ValueType::kBool: out->push_back(v.as_bool() ? kTagTrue : kTagFalse); return;
    case ValueType::kInt:
      out->push_back(kTagInt);
      put_varint(zigzag(v.as_int()), out);
      return;
    case ValueType::kDouble: {
      std::string_view digits = v.big_integer_digits();
      if (!digits.empty()) {
        out->push_back(kTagBigInteger);
        put_double(v.as_double(), out);
        put_varint(digits.size(), out);
        out->append(digits);
        return;
      }
      out->push_back(kTagDouble);
      put_double(v.as_double(), out);
      return;
    }
    case ValueType::kString:
      out->push_back(kTagString);
      put_varint(v.size(), out);
      out->append(v.as_string());
      return;
    case ValueType::kTimestamp:
      out->push_back(kTagTimestamp);
      put_varint(zigzag(v.as_timestamp_us()), out);
      return;
    case ValueType::kArray:
      out->push_back(kTagArray);
      put_varint(v.size(), out);
      for (const Value& item : v.as_array()) encode(item, out);
      return;
    case ValueType::kObject:
      out->push_back(kTagObject);
      put_varint(v.size(), out);
      for (const Field& f : v.as_object()) {
        std::string_view name = FieldNames::name(f.name);
        put_varint(name.size(), out);
        out->append(name);
        encode(f.value, out);
      }
      return;
  }
}

class Decoder {
 public:
  Decoder(std::string_view bytes, Arena& arena) : p_(bytes.data()), end_(bytes.data() + bytes.size()), arena_(arena) {}

  Status value(Value* out, int depth) {
    if (depth > kMaxDepth) return fail("values nested deeper than 64 levels");
    if (p_ >= end_) return fail("value cut short");
    const uint8_t tag = static_cast<uint8_t>(*p_++);
    switch (tag) {
      case kTagNull: *out = Value::null(); return Status::ok();
      case kTagFalse: *out = Value::boolean(false); return Status::ok();
      case kTagTrue: *out = Value::boolean(true); return Status::ok();
      case kTagInt: {
        uint64_t v;
        if (!varint(&v)) return fail("integer cut short");
        *out = Value::integer(unzigzag(v));
        return Status::ok();
      }
      case kTagTimestamp: {
        uint64_t v;
        if (!varint(&v)) return fail("timestamp cut short");
        *out = Value::timestamp(unzigzag(v));
        return Status::ok();
      }
      case kTagDouble: {
        double d;
        if (!read_double(&d)) return fail("number cut short");
        *out = Value::floating(d);
        return Status::ok();
      }
      case kTagBigInteger: {
        double d;
        std::string_view digits;
        if (!read_double(&d) || !bytes(&digits) || digits.empty()) return fail("big integer cut short");
        *out = Value::big_integer(arena_, d, digits);
        return Status::ok();
      }
      case kTagString: {
        std::string_view text;
        if (!bytes(&text)) return fail("string cut short");
        *out = Value::string(text);
        return Status::ok();
      }
      case kTagArray: {
        uint64_t count;
        // Every item takes at least one byte, which bounds a hostile count.
        if (!varint(&count) || count > static_cast<uint64_t>(end_ - p_)) return fail("array cut short");
        Value* items = arena_.allocate_array<Value>(count);
        for (uint64_t i = 0; i < count; ++i) {
          if (Status s = value(&items[i], depth + 1); !s.is_ok()) return s;
        }
        *out = Value::array(items, static_cast<uint32_t>(count));
        return Status::ok();
      }
      case kTagObject: {
        uint64_t count;
        if (!varint(&count) || count > static_cast<uint64_t>(end_ - p_) / 2) return fail("object cut short");
        Field* fields = arena_.allocate_array<Field>(count);
        for (uint64_t i = 0; i < count; ++i) {
          std::string_view name;
          if (!bytes(&name)) return fail("field name cut short");
          FieldId id = FieldNames::intern(name);
          if (id == kInvalidFieldId) return fail("field name table is full or name too long");
          fields[i].name = id;
          if (Status s = value(&fields[i].value, depth + 1); !s.is_ok()) return s;
        }
        *out = Value::object(fields, static_cast<uint32_t>(count));
        return Status::ok();
      }
      default: return fail("unknown value tag " + std::to_string(tag));
    }
  }

  bool at_end() const { return p_ == end_; }
  size_t position(std::string_view whole) const { return static_cast<size_t>(p_ - whole.data()); }

 private:
  bool varint(uint64_t* out) { return get_varint(p_, end_, out); }
  bool read_double(double* d) {
    if (end_ - p_ < 8) return false;
    std::memcpy(d, p_, 8);
    p_ += 8;
    return true;
  }
  bool bytes(std::string_view* out) {
    uint64_t n;
    if (!varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  Status fail(std::string what) { return Status::corruption("event encoding: " + what); }

  const char* p_;
  const char* end_;
  Arena& arena_;
};

}  // namespace

void encode_value(const Value& value, std::string* out) { encode(value, out); }

Status decode_value(std::string_view bytes, Arena& arena, Value* out) {
  Decoder decoder(bytes, arena);
  if (Status s = decoder.value(out, 0); !s.is_ok()) return s;
  if (!decoder.at_end()) return Status::corruption("event encoding: trailing bytes after the value");
  return Status::ok();
}

}  // namespace sluice::format
