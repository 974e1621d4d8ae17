// Value: one JSON-like datum of an event — null, bool, int64, double, string,
// timestamp, array or object — in 16 bytes.
//
// A Value does not own memory. Strings, arrays and objects point into an Arena
// (usually the batch's), so copying a Value is copying 16 bytes. Values are
// immutable once built: code that "changes" an event builds new objects in the
// arena (see value_edit.h) and leaves the old ones intact. That is what lets a
// batch be shared by several sinks and a failed transform hand on the original
// event untouched.
//
// Objects keep their fields in insertion order as (FieldId, Value) pairs; field
// names are interned (field_names.h), so lookup compares integers.
//
// Integers outside int64 are kept as doubles that remember their digits, so a
// JSON round trip reproduces them exactly while arithmetic sees a double.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "core/arena.h"
#include "core/field_names.h"

namespace sluice {

enum class ValueType : uint8_t {
  kNull = 0,
  kBool,
  kInt,
  kDouble,
  kString,
  kTimestamp,  // microseconds since the Unix epoch, UTC
  kArray,
  kObject,
};

const char* value_type_name(ValueType type);

struct Field;

class Value {
 public:
  constexpr Value() : type_(ValueType::kNull), flags_(0), reserved_(0), size_(0), int_(0) {}

  static constexpr Value null() { return Value(); }
  static Value boolean(bool b) {
    Value v(ValueType::kBool);
    v.int_ = b ? 1 : 0;
    return v;
  }
  static Value integer(int64_t i) {
    Value v(ValueType::kInt);
    v.int_ = i;
    return v;
  }
  static Value floating(double d) {
    Value v(ValueType::kDouble);
    v.double_ = d;
    return v;
  }
  // Does not copy: `text` must outlive the value (arena memory or a literal).
  static Value string(std::string_view text) {
    Value v(ValueType::kString);
    v.size_ = static_cast<uint32_t>(text.size());
    v.chars_ = text.data();
    return v;
  }
  static Value timestamp(int64_t ts_us) {
    Value v(ValueType::kTimestamp);
    v.int_ = ts_us;
    return v;
  }
  static Value array(const Value* items, uint32_t size) {
    Value v(ValueType::kArray);
    v.size_ = size;
    v.items_ = items;
    return v;
  }
  static Value object(const Field* fields, uint32_t size) {
    Value v(ValueType::kObject);
    v.size_ = size;
    v.fields_ = fields;
    return v;
  }
  // A number too large for int64: `digits` (in the arena) is its exact JSON text.
  static Value big_integer(Arena& arena, double approx, std::string_view digits);

  ValueType type() const { return type_; }
  bool is_null() const { return type_ == ValueType::kNull; }
  bool is_bool() const { return type_ == ValueType::kBool; }
  bool is_int() const { return type_ == ValueType::kInt; }
  bool is_double() const { return type_ == ValueType::kDouble; }
  bool is_number() const { return type_ == ValueType::kInt || type_ == ValueType::kDouble; }
  bool is_string() const { return type_ == ValueType::kString; }
  bool is_timestamp() const { return type_ == ValueType::kTimestamp; }
  bool is_array() const { return type_ == ValueType::kArray; }
  bool is_object() const { return type_ == ValueType::kObject; }

  bool as_bool() const { return int_ != 0; }
  int64_t as_int() const { return int_; }
  double as_double() const {
    if (flags_ & kBigIntegerFlag) [[unlikely]] {
      double d;
      std::memcpy(&d, chars_ - sizeof(double), sizeof(double));
      return d;
    }
    return double_;
  }
  // int or double as double; callers check is_number() first.
  double as_number() const { return type_ == ValueType::kInt ? double(int_) : as_double(); }
  std::string_view as_string() const { return {chars_, size_}; }
  int64_t as_timestamp_us() const { return int_; }
  std::span<const Value> as_array() const { return {items_, size_}; }
  inline std::span<const Field> as_object() const;  // defined after Field

  // For a big integer, its exact digits; empty otherwise.
  std::string_view big_integer_digits() const {
    return (flags_ & kBigIntegerFlag) ? std::string_view(chars_, size_) : std::string_view();
  }

  // Object field lookup; nullptr when absent or when this is not an object.
  const Value* find(FieldId id) const;
  // The same, trying position `*hint` first and leaving there where it was found.
  const Value* find(FieldId id, uint32_t* hint) const;
  const Value* find(std::string_view name) const;

  // Array or object element count, string length in bytes; 0 otherwise.
  uint32_t size() const { return size_; }

  // Structural equality. Int and double compare by numeric value (1 == 1.0), object
  // fields compare regardless of order, strings byte by byte.
  friend bool operator==(const Value& a, const Value& b);

 private:
  static constexpr uint8_t kBigIntegerFlag = 1;

  explicit Value(ValueType type) : type_(type), flags_(0), reserved_(0), size_(0), int_(0) {}

  ValueType type_;
  uint8_t flags_;
  [[maybe_unused]] uint16_t reserved_;  // padding, kept zero
  uint32_t size_;
  union {
    int64_t int_;
    double double_;
    const char* chars_;
    const Value* items_;
    const Field* fields_;
  };
};
static_assert(sizeof(Value) == 16, "Value is meant to stay 16 bytes");

struct Field {
  FieldId name;
  Value value;
};

inline std::span<const Field> Value::as_object() const { return {fields_, size_}; }

// Deep-copies `value` into `arena` (for values whose memory is about to go away).
Value deep_copy(const Value& value, Arena& arena);

// Builds an object field by field in an arena. Adding a name that is already
// present replaces its value, so the last duplicate wins as in most JSON readers.
class ObjectBuilder {
 public:
  explicit ObjectBuilder(Arena& arena, uint32_t capacity_hint = 16);
  void set(FieldId name, Value value);
  // Appends without the duplicate check; the caller knows `name` is new.
  void append_unique(FieldId name, Value value);
  uint32_t size() const { return size_; }
  Value finish() const { return Value::object(fields_, size_); }

 private:
  void grow();
  Arena& arena_;
  Field* fields_;
  uint32_t size_ = 0;
  uint32_t capacity_;
};

}  // namespace sluice
