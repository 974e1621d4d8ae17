#include "cli/event_search.h"

#include "format/event_codec.h"
#include "format/json_writer.h"
#include "log/embedded_log.h"
#include "runtime/log_setup.h"

namespace sluice::cli {
namespace {

bool holds_id(const Value& v, const std::string& id, std::string* scratch) {
  if (v.is_string()) return v.as_string() == id;
  if (v.is_object() || v.is_array() || v.type() == ValueType::kNull) return false;
  scratch->clear();
  format::append_json(v, *scratch);
  return *scratch == id;
}

}  // namespace

Result<EventSearch> find_event(const PipelineConfig& config, const log::KeyRing& keys,
                               const FieldPath& id_field, const std::string& id) {
  log::EmbeddedLogOptions options;
  options.dir = config.data_dir + "/log";
  options.read_only = true;
  options.keys = keys;
  auto opened = log::EmbeddedLog::open(std::move(options));
  if (!opened) return opened.status().with_context("log under " + config.data_dir);
  log::Log& log = **opened;
  auto topics = log.topics();
  if (!topics) return topics.status();

  EventSearch search;
  std::string scratch;
  for (const ComponentConfig& source : config.components) {
    if (source.kind != ComponentKind::kSource) continue;
    const std::string topic = runtime::topic_config_for(source).name;
    for (const log::TopicInfo& t : *topics) {
      if (t.config.name != topic) continue;
      for (const log::PartitionInfo& p : t.partitions) {
        if (p.start_offset > 0) {
          search.topics_start.push_back(topic + "/" + std::to_string(p.partition) +
                                        " starts at offset " + std::to_string(p.start_offset));
        }
        int64_t from = p.start_offset;
        while (from < p.end_offset) {
          auto read = log.read(topic, p.partition, from, 1 << 20, 0);
          if (!read) return read.status().with_context(topic + "/" + std::to_string(p.partition));
          for (const log::ReadRecord& r : read->records) {
            ++search.records_read;
            Arena arena;
            Value event;
            if (!format::decode_value(r.value, arena, &event).is_ok()) continue;
            const Value* v = lookup(event, id_field);
            if (v != nullptr && holds_id(*v, id, &scratch)) {
              search.found.push_back({source.name, topic, p.partition, r.offset, r.timestamp_us});
            }
          }
          if (read->next_offset <= from) break;  // nothing more to read
          from = read->next_offset;
        }
      }
    }
  }
  return search;
}

}  // namespace sluice::cli
