#include "observe/prometheus.h"

#include <fmt/format.h>

#include <cmath>

namespace sluice::observe {

void PrometheusWriter::family(std::string_view name, Type type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {  // HELP text escapes backslash and newline
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += type == Type::kCounter ? " counter\n"
          : type == Type::kGauge ? " gauge\n"
                                 : " histogram\n";
}

void PrometheusWriter::labels(const Labels& labels, std::string_view extra_name,
                              std::string_view extra_value) {
  if (labels.empty() && extra_name.empty()) return;
  out_ += '{';
  bool first = true;
  const auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_ += name;
    out_ += "=\"";
    for (char c : value) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '"')
        out_ += "\\\"";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out_ += '}';
}

void PrometheusWriter::number(double v) {
  if (std::isnan(v))
    out_ += "NaN";
  else if (std::isinf(v))
    out_ += v > 0 ? "+Inf" : "-Inf";
  else if (v == std::floor(v) && std::abs(v) < 1e15)
    out_ += fmt::format("{}", static_cast<int64_t>(v));
  else
    out_ += fmt::format("{}", v);
}

void PrometheusWriter::sample(std::string_view name, const Labels& l, double value) {
  out_ += name;
  labels(l);
  out_ += ' ';
  number(value);
  out_ += '\n';
}

void PrometheusWriter::histogram(std::string_view name, const Labels& l,
                                 const Histogram::Snapshot& h) {
  const std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    out_ += bucket;
    labels(l, "le", fmt::format("{}", h.bounds[i]));
    out_ += ' ';
    number(static_cast<double>(h.cumulative[i]));
    out_ += '\n';
  }
  out_ += bucket;
  labels(l, "le", "+Inf");
  out_ += ' ';
  number(static_cast<double>(h.count));
  out_ += '\n';
  sample(std::string(name) + "_sum", l, h.sum_seconds);
  sample(std::string(name) + "_count", l, static_cast<double>(h.count));
}

}  // namespace sluice::observe
