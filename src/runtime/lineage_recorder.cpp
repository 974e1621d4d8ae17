#include "runtime/lineage_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/time.h"
#include "observe/json_out.h"
#include "runtime/log_setup.h"

namespace sluice::runtime {

namespace {

// Where a sink's output lands, as an operator would look for it.
std::string output_of(const PipelineConfig& pipeline, const ComponentConfig& sink) {
  const OptionValues& o = sink.options;
  if (!o.has("path")) return sink.type;
  std::string path = o.get_string("path");
  if (!std::filesystem::path(path).is_absolute())
    path = (std::filesystem::path(pipeline.data_dir) / path).string();
  if (o.has("table"))
    return path + "#" + (o.get_string("table").empty() ? sink.name : o.get_string("table"));
  return path;
}

}  // namespace

LineageRecorder::LineageRecorder(const PipelineConfig& config, std::string group,
                                 std::unique_ptr<governance::ChainedLedger> ledger,
                                 std::vector<SinkInfo> sinks)
    : config_(config), group_(std::move(group)), ledger_(std::move(ledger)) {
  std::string all;
  for (const ComponentConfig& c : config.components) all += c.name + "\n" + c.definition + "\n";
  config_hash_ = governance::sha256_hex(all);
  for (const SinkInfo& s : sinks) {
    SinkLine line{s, output_of(config, *s.config), {}, {}, {}, 0};
    // Everything upstream of the sink, through every input.
    std::set<std::string> upstream;
    std::vector<const ComponentConfig*> todo{s.config};
    while (!todo.empty()) {
      const ComponentConfig* c = todo.back();
      todo.pop_back();
      for (const InputRef& in : c->inputs) {
        if (upstream.insert(in.component).second) {
          if (const ComponentConfig* up = config.find(in.component)) todo.push_back(up);
        }
      }
    }
    for (const ComponentConfig& c : config.components) {
      if (!upstream.count(c.name)) continue;
      if (c.kind == ComponentKind::kSource) {
        line.sources.push_back(c.name);
        line.topics.push_back(topic_config_for(c).name);
      }
      if (c.kind == ComponentKind::kTransform) line.chain.push_back(&c);
    }
    sinks_.push_back(std::move(line));
  }
}

void LineageRecorder::record(const std::vector<CommitTracker::CommittedRange>& ranges) {
  // Ranges of an entry that could not be appended come first, merged per partition.
  std::map<std::pair<std::string, int32_t>, std::pair<int64_t, int64_t>> merged;
  const std::vector<CommitTracker::CommittedRange>* lists[] = {&unrecorded_, &ranges};
  for (const auto* list : lists) {
    for (const CommitTracker::CommittedRange& r : *list) {
      auto [it, fresh] = merged.try_emplace({r.topic, r.partition}, r.first_offset, r.next_offset);
      if (!fresh) {
        it->second.first = std::min(it->second.first, r.first_offset);
        it->second.second = std::max(it->second.second, r.next_offset);
      }
    }
  }
  observe::JsonOut j;
  j.begin_object();
  char when[kRfc3339MaxBytes];
  j.key("time").value(std::string_view(when, format_rfc3339(now_us(), when, true)));
  j.key("pipeline").value(config_.file);
  j.key("config_sha256").value(config_hash_);
  j.key("group").value(group_);
  j.key("inputs").begin_array();
  for (const auto& [where, range] : merged) {
    j.begin_object();
    j.key("topic").value(where.first);
    j.key("partition").value(static_cast<int64_t>(where.second));
    j.key("first_offset").value(range.first);
    j.key("last_offset").value(range.second - 1);
    j.key("records").value(range.second - range.first);
    j.end_object();
  }
  j.end_array();
  j.key("sinks").begin_array();
  std::vector<uint64_t> durable(sinks_.size());
  for (size_t i = 0; i < sinks_.size(); ++i) {
    const SinkLine& s = sinks_[i];
    durable[i] = s.info.runner->durable_events();
    j.begin_object();
    j.key("name").value(s.info.config->name);
    j.key("type").value(s.info.config->type);
    j.key("output").value(s.output);
    j.key("events").value(durable[i] - std::min(durable[i], s.recorded_events));
    j.key("sources").begin_array();
    for (const std::string& src : s.sources) j.value(src);
    j.end_array();
    j.key("topics").begin_array();
    for (const std::string& topic : s.topics) j.value(topic);
    j.end_array();
    j.key("chain").begin_array();
    for (const ComponentConfig* t : s.chain) {
      j.begin_object();
      j.key("name").value(t->name);
      j.key("type").value(t->type);
      j.key("config_sha256").value(governance::sha256_hex(t->definition));
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  auto appended = ledger_->append(j.text());
  if (!appended) {
    spdlog::warn("lineage ledger: {} (the next entry will cover this commit too)",
                 appended.status().message());
    unrecorded_.clear();
    for (const auto& [where, range] : merged)
      unrecorded_.push_back({where.first, where.second, range.first, range.second});
    return;
  }
  unrecorded_.clear();
  for (size_t i = 0; i < sinks_.size(); ++i) sinks_[i].recorded_events = durable[i];
}

}  // namespace sluice::runtime
