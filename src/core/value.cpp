#include "core/value.h"

#include <algorithm>

namespace sluice {

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kNull: return "null";
    case ValueType::kBool: return "bool";
    case ValueType::kInt: return "int";
    case ValueType::kDouble: return "float";
    case ValueType::kString: return "string";
    case ValueType::kTimestamp: return "timestamp";
    case ValueType::kArray: return "array";
    case ValueType::kObject: return "object";
  }
  return "unknown";
}

Value Value::big_integer(Arena& arena, double approx, std::string_view digits) {
  // Layout in the arena: [double approx][digits...]; chars_ points at the digits.
  char* p = static_cast<char*>(arena.allocate(sizeof(double) + digits.size(), alignof(double)));
  std::memcpy(p, &approx, sizeof(double));
  std::memcpy(p + sizeof(double), digits.data(), digits.size());
  Value v(ValueType::kDouble);
  v.flags_ = kBigIntegerFlag;
  v.size_ = static_cast<uint32_t>(digits.size());
  v.chars_ = p + sizeof(double);
  return v;
}

const Value* Value::find(FieldId id) const {
  if (type_ != ValueType::kObject) return nullptr;
  for (uint32_t i = 0; i < size_; ++i) {
    if (fields_[i].name == id) return &fields_[i].value;
  }
  return nullptr;
}

const Value* Value::find(FieldId id, uint32_t* hint) const {
  if (type_ != ValueType::kObject) return nullptr;
  if (*hint < size_ && fields_[*hint].name == id) return &fields_[*hint].value;
  for (uint32_t i = 0; i < size_; ++i) {
    if (fields_[i].name == id) {
      *hint = i;
      return &fields_[i].value;
    }
  }
  return nullptr;
}

const Value* Value::find(std::string_view name) const {
  auto id = FieldNames::find(name);
  return id ? find(*id) : nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    if (!a.big_integer_digits().empty() && !b.big_integer_digits().empty()) {
      return a.big_integer_digits() == b.big_integer_digits();
    }
    return a.as_number() == b.as_number();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kNull: return true;
    case ValueType::kBool: return a.as_bool() == b.as_bool();
    case ValueType::kTimestamp: return a.as_timestamp_us() == b.as_timestamp_us();
    case ValueType::kString: return a.as_string() == b.as_string();
    case ValueType::kArray: {
      auto x = a.as_array(), y = b.as_array();
      return std::equal(x.begin(), x.end(), y.begin(), y.end());
    }
    case ValueType::kObject: {
      if (a.size() != b.size()) return false;
      for (const Field& f : a.as_object()) {
        const Value* other = b.find(f.name);
        if (other == nullptr || !(*other == f.value)) return false;
      }
      return true;
    }
    default: return false;
  }
}

Value deep_copy(const Value& value, Arena& arena) {
  switch (value.type()) {
    case ValueType::kString: return Value::string(arena.copy_string(value.as_string()));
    case ValueType::kDouble:
      if (!value.big_integer_digits().empty()) {
        return Value::big_integer(arena, value.as_double(), value.big_integer_digits());
      }
      return value;
    case ValueType::kArray: {
      auto items = value.as_array();
      Value* copy = arena.allocate_array<Value>(items.size());
      for (size_t i = 0; i < items.size(); ++i) copy[i] = deep_copy(items[i], arena);
      return Value::array(copy, static_cast<uint32_t>(items.size()));
    }
    case ValueType::kObject: {
      auto fields = value.as_object();
      Field* copy = arena.allocate_array<Field>(fields.size());
      for (size_t i = 0; i < fields.size(); ++i) {
        copy[i] = Field{fields[i].name, deep_copy(fields[i].value, arena)};
      }
      return Value::object(copy, static_cast<uint32_t>(fields.size()));
    }
    default: return value;
  }
}

ObjectBuilder::ObjectBuilder(Arena& arena, uint32_t capacity_hint)
    : arena_(arena), capacity_(std::max<uint32_t>(capacity_hint, 4)) {
  fields_ = arena_.allocate_array<Field>(capacity_);
}

void ObjectBuilder::grow() {
  uint32_t capacity = capacity_ * 2;
  Field* fields = arena_.allocate_array<Field>(capacity);
  std::memcpy(static_cast<void*>(fields), fields_, sizeof(Field) * size_);
  fields_ = fields;
  capacity_ = capacity;
}

void ObjectBuilder::set(FieldId name, Value value) {
  for (uint32_t i = 0; i < size_; ++i) {
    if (fields_[i].name == name) {
      fields_[i].value = value;
      return;
    }
  }
  append_unique(name, value);
}

void ObjectBuilder::append_unique(FieldId name, Value value) {
  if (size_ == capacity_) grow();
  fields_[size_++] = Field{name, value};
}

}  // namespace sluice
