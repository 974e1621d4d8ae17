#include "core/config/schema_section.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace sluice::config_detail {
namespace {

// A schema file is read whole before YAML parses it; none needs more than this.
constexpr size_t kMaxSchemaFileBytes = 1 << 20;

void load_schema_body(const ParseContext& ctx, const YAML::Node& body, SchemaConfig* schema) {
  const std::string subject = "schema \"" + schema->name + "\"";
  if (!body.IsMap()) {
    ctx.diagnostics->error(location_of(ctx, body),
                           subject + ": expected a map with fields: (field → class)",
                           "e.g.\n    fields:\n      email: confidential");
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : body) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      ctx.diagnostics->error(location_of(ctx, entry.first),
                             subject + ": duplicate key \"" + key + "\"");
      continue;
    }
    if (key == "default") {
      auto text = scalar_text(ctx, entry.second, subject + ": default");
      if (text) {
        schema->default_class = *text;
        schema->default_where = location_of(ctx, entry.second);
      }
      continue;
    }
    if (key != "fields") {
      ctx.diagnostics->error(
          location_of(ctx, entry.first), subject + ": unknown key \"" + key + "\"",
          "a schema has fields: (field → class) and default: (the class of other fields)");
      continue;
    }
    if (!entry.second.IsMap()) {
      ctx.diagnostics->error(
          location_of(ctx, entry.second),
          subject + ": fields: expected a map of field path to class, e.g. email: confidential");
      continue;
    }
    std::set<std::string> fields;
    for (const auto& field : entry.second) {
      auto path = scalar_text(ctx, field.first, subject + ": fields");
      if (!path) continue;
      if (!fields.insert(*path).second) {
        ctx.diagnostics->error(location_of(ctx, field.first),
                               subject + ": field \"" + *path + "\" is listed twice");
        continue;
      }
      auto parsed = FieldPath::parse(path->starts_with('.') ? *path : "." + *path);
      if (!parsed || parsed->is_root()) {
        ctx.diagnostics->error(location_of(ctx, field.first),
                               subject + ": \"" + *path + "\" is not a field path" +
                                   (parsed ? std::string() : ": " + parsed.status().message()),
                               "write a field path such as email or client.ip");
        continue;
      }
      if (!field.second.IsScalar()) {
        ctx.diagnostics->error(location_of(ctx, field.second),
                               subject + ": field \"" + *path + "\": expected a class name");
        continue;
      }
      auto data_class = scalar_text(ctx, field.second, subject + ": field " + *path);
      if (data_class)
        schema->fields.push_back({*path, *data_class, location_of(ctx, field.second)});
    }
  }
}

// A schema written in a file of its own: its problems name that file.
void load_schema_file(const ParseContext& ctx, const YAML::Node& node, SchemaConfig* schema) {
  auto path = scalar_text(ctx, node, "schema \"" + schema->name + "\"");
  if (!path) return;
  std::ifstream in(*path, std::ios::binary);
  if (!in) {
    ctx.diagnostics->error(
        location_of(ctx, node),
        "schema \"" + schema->name + "\": cannot open " + *path + ": " + std::strerror(errno),
        "a schema file path is relative to the working directory");
    return;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.size() > kMaxSchemaFileBytes) {
    ctx.diagnostics->error(location_of(ctx, node),
                           "schema \"" + schema->name + "\": " + *path + " is larger than " +
                               std::to_string(kMaxSchemaFileBytes) + " bytes");
    return;
  }
  ParseContext file_ctx = ctx;
  file_ctx.file = *path;
  file_ctx.text = text;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    ctx.diagnostics->error(SourceLocation{*path, e.mark.line + 1, e.mark.column + 1},
                           "invalid YAML: " + e.msg);
    return;
  }
  load_schema_body(file_ctx, root, schema);
}

}  // namespace

void load_schemas_section(const ParseContext& ctx, const YAML::Node& key, const YAML::Node& body,
                          std::vector<SchemaConfig>* schemas) {
  if (!body.IsMap()) {
    ctx.diagnostics->error(
        location_of(ctx, body.IsNull() ? key : body),
        "schemas: expected a map of schema name to its fields (or to a schema file)");
    return;
  }
  for (const auto& entry : body) {
    SchemaConfig schema;
    schema.name = entry.first.Scalar();
    schema.where = location_of(ctx, entry.first);
    bool duplicate = false;
    for (const SchemaConfig& other : *schemas) duplicate = duplicate || other.name == schema.name;
    if (duplicate) {
      ctx.diagnostics->error(schema.where, "schemas: \"" + schema.name + "\" is defined twice");
      continue;
    }
    if (entry.second.IsScalar()) {
      load_schema_file(ctx, entry.second, &schema);
    } else {
      load_schema_body(ctx, entry.second, &schema);
    }
    schemas->push_back(std::move(schema));
  }
}

}  // namespace sluice::config_detail
