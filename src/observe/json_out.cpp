#include "observe/json_out.h"

#include <fmt/format.h>

#include <cmath>

#include "core/json_string.h"

namespace sluice::observe {

void JsonOut::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_ += ',';
    has_element_.back() = true;
  }
}

JsonOut& JsonOut::open(char c) {
  separate();
  out_ += c;
  has_element_.push_back(false);
  return *this;
}

JsonOut& JsonOut::close(char c) {
  out_ += c;
  if (!has_element_.empty()) has_element_.pop_back();
  return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
  separate();
  write_string(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

JsonOut& JsonOut::value(std::string_view text) {
  separate();
  write_string(text);
  return *this;
}

void JsonOut::write_string(std::string_view text) {
  append_json_string(text, out_);
}

JsonOut& JsonOut::value(uint64_t n) {
  separate();
  out_ += fmt::format("{}", n);
  return *this;
}

JsonOut& JsonOut::value(int64_t n) {
  separate();
  out_ += fmt::format("{}", n);
  return *this;
}

JsonOut& JsonOut::value(double d) {
  if (!std::isfinite(d)) return null();
  separate();
  out_ += fmt::format("{}", d);
  return *this;
}

JsonOut& JsonOut::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::null() {
  separate();
  out_ += "null";
  return *this;
}

}  // namespace sluice::observe
