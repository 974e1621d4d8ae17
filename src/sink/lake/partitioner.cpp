#include "sink/lake/partitioner.h"

#include <cstdio>

#include "core/time.h"
#include "format/json_writer.h"

namespace sluice::sink::lake {

namespace {

constexpr int64_t kSecondUs = 1'000'000;

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Characters Hive escapes in partition values, plus every control byte.
bool needs_escape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<PartitionSpec> parse_partition_spec(std::string_view text) {
  PartitionSpec spec;
  std::string_view body = text;
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    if (text.empty() || text[0] != '.') {
      return Status::invalid("\"" + std::string(text) +
                             "\" is neither name=%pattern nor name=.field nor .field");
    }
  } else {
    spec.name = std::string(text.substr(0, eq));
    body = text.substr(eq + 1);
  }
  if (body.empty()) return Status::invalid("\"" + std::string(text) + "\" has nothing after '='");
  if (body[0] == '.') {
    auto path = FieldPath::parse(body);
    if (!path) return Status::invalid("\"" + std::string(text) + "\": " + path.status().message());
    if (path->is_root() || path->segments().back().is_index) {
      return Status::invalid("\"" + std::string(text) +
                             "\": partition by a named field such as .service");
    }
    if (spec.name.empty()) spec.name = std::string(FieldNames::name(path->segments().back().field));
    spec.field = std::move(*path);
  } else {
    if (body.find('%') == std::string_view::npos) {
      return Status::invalid("\"" + std::string(text) +
                             "\": a time pattern needs a % field such as %Y-%m-%d");
    }
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] != '%') continue;
      const char f = i + 1 < body.size() ? body[i + 1] : '\0';
      if (std::string_view("YmdHMSj%").find(f) == std::string_view::npos || f == '\0') {
        return Status::invalid("\"" + std::string(text) + "\": unknown time field %" +
                               std::string(1, f) + " (use %Y %m %d %H %M %S %j)");
      }
      ++i;
    }
    if (body.find('/') != std::string_view::npos) {
      return Status::invalid("\"" + std::string(text) +
                             "\": one directory level per entry (no '/')");
    }
    spec.time_pattern = std::string(body);
  }
  if (!valid_name(spec.name)) {
    return Status::invalid("\"" + std::string(text) + "\": partition name \"" + spec.name +
                           "\" must be letters, digits, '_' or '-'");
  }
  return spec;
}

void append_escaped_partition_value(std::string_view value, std::string* out) {
  const size_t start = out->size();
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out->append(hex, 3);
    } else {
      out->push_back(ch);
    }
  }
  const std::string_view added(out->data() + start, out->size() - start);
  if (added.empty()) {
    out->append(kHiveNullPartition);  // an empty directory name cannot exist
  } else if (added == "." || added == "..") {
    out->resize(start);
    out->append(value.size() == 1 ? "%2E" : "%2E%2E");
  }
}

std::string escape_partition_value(std::string_view value) {
  std::string out;
  append_escaped_partition_value(value, &out);
  return out;
}

std::string unescape_partition_value(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
      };
      const int hi = hex(value[i + 1]), lo = hex(value[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += value[i];
  }
  return out;
}

Partitioner::Partitioner(std::vector<PartitionSpec> specs) : specs_(std::move(specs)) {
  for (const PartitionSpec& s : specs_) {
    if (s.time_pattern.empty()) continue;
    int64_t unit = 86'400 * kSecondUs;  // %Y %m %d %j: a day is fine-grained enough to cache
    if (s.time_pattern.find("%H") != std::string::npos) unit = 3600 * kSecondUs;
    if (s.time_pattern.find("%M") != std::string::npos) unit = 60 * kSecondUs;
    if (s.time_pattern.find("%S") != std::string::npos) unit = kSecondUs;
    time_granularity_us_ = time_granularity_us_ == 0 ? unit : std::min(time_granularity_us_, unit);
  }
  for (const PartitionSpec& s : specs_) has_fields_ = has_fields_ || s.field.has_value();
  cached_times_.resize(specs_.size());
}

std::string Partitioner::format_time(const std::string& pattern, int64_t ts_us) const {
  const int64_t seconds = ts_us >= 0 ? ts_us / kSecondUs : (ts_us - kSecondUs + 1) / kSecondUs;
  const int64_t days = seconds >= 0 ? seconds / 86'400 : (seconds - 86'399) / 86'400;
  const int64_t second_of_day = seconds - days * 86'400;
  int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  const int64_t day_of_year = days - days_from_civil(year, 1, 1) + 1;
  std::string out;
  char buf[24];
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 >= pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case 'Y':
        std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(year));
        break;
      case 'm':
        std::snprintf(buf, sizeof buf, "%02u", month);
        break;
      case 'd':
        std::snprintf(buf, sizeof buf, "%02u", day);
        break;
      case 'H':
        std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(second_of_day / 3600));
        break;
      case 'M':
        std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(second_of_day / 60 % 60));
        break;
      case 'S':
        std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(second_of_day % 60));
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(day_of_year));
        break;
      default:
        std::snprintf(buf, sizeof buf, "%%");
        break;
    }
    out += buf;
  }
  return out;
}

std::string_view Partitioner::directory(const Event& event) {
  if (specs_.empty()) return directory_;
  bool time_changed = false;
  if (time_granularity_us_ > 0) {
    const int64_t t = event.time_us;
    const int64_t bucket =
        t >= 0 ? t / time_granularity_us_ : (t - time_granularity_us_ + 1) / time_granularity_us_;
    if (bucket != cached_bucket_) {
      for (size_t i = 0; i < specs_.size(); ++i) {
        if (!specs_[i].time_pattern.empty()) {
          cached_times_[i] =
              specs_[i].name + "=" + escape_partition_value(format_time(specs_[i].time_pattern, t));
        }
      }
      cached_bucket_ = bucket;
      time_changed = true;
    }
  }
  // Time partitions only: the directory changes with the bucket and nothing else.
  if (!has_fields_ && !time_changed && !directory_.empty()) return directory_;
  directory_.clear();
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (i > 0) directory_ += '/';
    const PartitionSpec& s = specs_[i];
    if (!s.time_pattern.empty()) {
      directory_ += cached_times_[i];
      continue;
    }
    directory_ += s.name;
    directory_ += '=';
    const Value* v = lookup(event.fields, *s.field);
    if (v == nullptr || v->is_null()) {
      directory_ += kHiveNullPartition;
    } else if (v->is_string()) {
      append_escaped_partition_value(v->as_string(), &directory_);
    } else {
      scratch_.clear();
      format::append_json(*v, scratch_);
      std::string_view text = scratch_;
      if (v->is_timestamp() && text.size() >= 2) text = text.substr(1, text.size() - 2);
      append_escaped_partition_value(text, &directory_);
    }
  }
  return directory_;
}

}  // namespace sluice::sink::lake
