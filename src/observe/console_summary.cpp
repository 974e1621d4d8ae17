#include "observe/console_summary.h"

#include <fmt/format.h>

namespace sluice::observe {
namespace {

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

ConsoleSummary::ConsoleSummary(std::vector<const ComponentStats*> components, std::FILE* out)
    : components_(std::move(components)), out_(out) {
  started_ = last_time_ = std::chrono::steady_clock::now();
  for (const ComponentStats* c : components_) last_.push_back(c->snapshot());
}

std::string ConsoleSummary::render() {
  auto now = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(now - last_time_).count();
  double uptime = std::chrono::duration<double>(now - started_).count();
  if (seconds <= 0) seconds = 1e-9;
  std::string text = fmt::format("── sluice · {:.0f}s ─────────────────────────────────────────────────────────\n", uptime);
  text += fmt::format("  {:<10} {:<18} {:>12} {:>12} {:>14} {:>12} {:>8}\n", "kind", "component", "in/s", "out/s",
                      "out total", "dead-letter", "errors");
  for (size_t i = 0; i < components_.size(); ++i) {
    StatsSnapshot s = components_[i]->snapshot();
    const StatsSnapshot& p = last_[i];
    bool is_source = components_[i]->kind() == ComponentKind::kSource;
    std::string in_rate = is_source ? "-" : with_commas(static_cast<uint64_t>((s.events_in - p.events_in) / seconds));
    text += fmt::format("  {:<10} {:<18} {:>12} {:>12} {:>14} {:>12} {:>8}\n",
                        component_kind_name(components_[i]->kind()), components_[i]->name(), in_rate,
                        with_commas(static_cast<uint64_t>((s.events_out - p.events_out) / seconds)),
                        with_commas(s.events_out), with_commas(s.dead_lettered), with_commas(s.errors));
    last_[i] = s;
  }
  // The latest results components noted (newest window per key, each series' score).
  for (const ComponentStats* c : components_) {
    const auto notes = c->notes.snapshot();
    if (notes.empty()) continue;
    text += fmt::format("  {} \"{}\":\n", c->type(), c->name());
    for (const auto& [key, line] : notes) text += fmt::format("    {:<24} {}\n", key, line);
  }
  last_time_ = now;
  return text;
}

void ConsoleSummary::print() {
  std::string text = render();
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace sluice::observe
