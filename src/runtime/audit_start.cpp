#include "runtime/audit_start.h"

#include <simdjson.h>

#include <map>

#include "governance/audit_log.h"
#include "log/encryption.h"
#include "observe/json_out.h"
#include "runtime/log_setup.h"

namespace sluice::runtime {

namespace {

// The key a govern transform uses for new values: key_id, or its only key.
std::string active_key(const ComponentConfig& c) {
  const std::string id = c.options.get_string("key_id");
  if (!id.empty()) return id;
  log::KeyRing ring;
  if (!ring.load(c.options.get_string("key_file"), c.options.get_string("key_env")).is_ok())
    return "";
  const auto ids = ring.ids();
  return ids.size() == 1 ? ids.front() : "";
}

// name → value of a JSON object member of the previous entry; empty without one.
std::map<std::string, std::string> members(simdjson::dom::element entry, const char* key) {
  std::map<std::string, std::string> out;
  simdjson::dom::object object;
  if (entry[key].get(object) != simdjson::SUCCESS) return out;
  for (auto field : object) {
    std::string_view v;
    if (field.value.get(v) == simdjson::SUCCESS)
      out.emplace(std::string(field.key), std::string(v));
  }
  return out;
}

// The keys that read a sealed audit log; none when they do not load (then the
// previous start cannot be read, and every component counts as changed).
log::KeyRing read_keys(const PipelineConfig& config) {
  auto keys = read_log_keys(config);
  return keys ? std::move(keys).value() : log::KeyRing();
}

}  // namespace

Status audit_pipeline_start(const PipelineConfig& config, governance::AuditLog& audit) {
  std::map<std::string, std::string> components, keys;
  std::string all;
  for (const ComponentConfig& c : config.components) {
    components[c.name] = governance::sha256_hex(c.definition);
    all += c.name + "\n" + c.definition + "\n";
    if (c.kind == ComponentKind::kTransform && c.type == "govern") {
      const std::string key = active_key(c);
      if (!key.empty()) keys[c.name] = key;
    }
  }
  const std::string config_hash = governance::sha256_hex(all);

  const std::string previous_text =
      governance::AuditLog::last_of(config.data_dir, "pipeline_started", read_keys(config));
  simdjson::dom::parser parser;
  std::map<std::string, std::string> before, keys_before;
  std::string previous_hash;
  if (!previous_text.empty()) {
    simdjson::dom::element previous;
    if (parser.parse(previous_text).get(previous) == simdjson::SUCCESS) {
      before = members(previous, "components");
      keys_before = members(previous, "govern_keys");
      std::string_view h;
      if (previous["config_sha256"].get(h) == simdjson::SUCCESS) previous_hash = std::string(h);
    }
  }

  observe::JsonOut j;
  j.begin_object();
  j.key("pipeline").value(config.file);
  j.key("config_sha256").value(config_hash);
  j.key("previous_config_sha256").value(previous_hash);
  j.key("config_changed").value(!previous_hash.empty() && previous_hash != config_hash);
  j.key("components").begin_object();
  for (const auto& [name, hash] : components) j.key(name).value(hash);
  j.end_object();
  j.key("changed").begin_array();
  if (!previous_hash.empty()) {
    for (const auto& [name, hash] : components) {
      auto it = before.find(name);
      if (it == before.end() || it->second != hash) j.value(name);
    }
    for (const auto& [name, hash] : before) {
      if (!components.count(name)) j.value(name);
    }
  }
  j.end_array();
  j.key("govern_keys").begin_object();
  for (const auto& [name, key] : keys) j.key(name).value(key);
  j.end_object();
  j.end_object();
  std::string fields = j.take();
  SLUICE_RETURN_IF_ERROR(
      audit.record("pipeline_started", std::string_view(fields).substr(1, fields.size() - 2)));

  for (const auto& [name, key] : keys) {
    auto it = keys_before.find(name);
    if (it == keys_before.end() || it->second == key) continue;
    observe::JsonOut k;
    k.begin_object()
        .key("transform")
        .value(name)
        .key("from_key")
        .value(it->second)
        .key("to_key")
        .value(key)
        .end_object();
    std::string text = k.take();
    SLUICE_RETURN_IF_ERROR(
        audit.record("key_rotated", std::string_view(text).substr(1, text.size() - 2)));
  }
  return Status::ok();
}

}  // namespace sluice::runtime
