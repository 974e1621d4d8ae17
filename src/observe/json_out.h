// JsonOut: builds JSON text in one pass, placing commas itself.
//
//   JsonOut j;
//   j.begin_object().key("name").value("api").key("events").value(uint64_t{12}).end_object();
//
// For the admin API's responses; event data has its own writer (format/json_writer.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::observe {

class JsonOut {
 public:
  JsonOut& begin_object() { return open('{'); }
  JsonOut& end_object() { return close('}'); }
  JsonOut& begin_array() { return open('['); }
  JsonOut& end_array() { return close(']'); }
  JsonOut& key(std::string_view name);
  JsonOut& value(std::string_view text);
  JsonOut& value(const char* text) { return value(std::string_view(text)); }
  JsonOut& value(const std::string& text) { return value(std::string_view(text)); }
  JsonOut& value(uint64_t n);
  JsonOut& value(int64_t n);
  JsonOut& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonOut& value(double d);  // NaN and ±Inf (not JSON) as null
  JsonOut& value(bool b);
  JsonOut& null();
  // An already formed JSON value (another JsonOut's text), written as it is.
  JsonOut& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonOut& open(char c);
  JsonOut& close(char c);
  void separate();  // a comma before a second element of the enclosing container
  void write_string(std::string_view text);

  std::string out_;
  std::vector<bool> has_element_;  // per open container
  bool after_key_ = false;
};

}  // namespace sluice::observe
