#include "core/config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/config/graph_check.h"
#include "core/config/log_options.h"
#include "core/config/observe_options.h"
#include "core/config/option_parser.h"
#include "core/config/schema_section.h"
#include "core/listen_address.h"
#include "core/suggest.h"

namespace sluice {
namespace {

using config_detail::location_of;
using config_detail::ParseContext;

const std::vector<std::string> kTopLevelKeys = {"data_dir", "log",        "observe", "schemas",
                                                "sources",  "transforms", "sinks"};
const std::vector<std::string> kSectionKeys = {"sources", "transforms", "sinks"};

bool valid_component_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

ComponentKind kind_of_section(const std::string& section) {
  if (section == "sources") return ComponentKind::kSource;
  if (section == "transforms") return ComponentKind::kTransform;
  return ComponentKind::kSink;
}

std::string section_of_kind(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kSource:
      return "sources";
    case ComponentKind::kTransform:
      return "transforms";
    case ComponentKind::kSink:
      return "sinks";
  }
  return "";
}

class Loader {
 public:
  Loader(std::string_view text, std::string file, const ComponentCatalog& catalog,
         Diagnostics& diagnostics, const LoadOptions& options)
      : text_(text),
        file_(std::move(file)),
        catalog_(catalog),
        diagnostics_(diagnostics),
        options_(options) {}

  std::optional<PipelineConfig> load() {
    size_t errors_before = diagnostics_.size();
    if (!check_nesting()) return std::nullopt;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::Exception& e) {
      diagnostics_.error(SourceLocation{file_, e.mark.line + 1, e.mark.column + 1},
                         "invalid YAML: " + e.msg,
                         "check indentation and quoting around this place");
      return std::nullopt;
    }
    if (!root || root.IsNull()) {
      diagnostics_.error(SourceLocation{file_, 1, 1}, "the pipeline file is empty",
                         "a pipeline needs at least sources: and sinks:, see examples/demo.yaml");
      return std::nullopt;
    }
    if (!root.IsMap()) {
      diagnostics_.error(location(root),
                         "the top level of a pipeline file must be a map of keys such as sources:, "
                         "transforms:, sinks:");
      return std::nullopt;
    }

    PipelineConfig config;
    config.file = file_;
    config.data_dir = "./data";
    ParseContext ctx = context("pipeline");
    std::map<std::string, YAML::Node> sections;
    std::set<std::string> seen_keys;
    for (const auto& entry : root) {
      std::string key = entry.first.Scalar();
      if (!seen_keys.insert(key).second) {
        diagnostics_.error(location(entry.first), "duplicate key \"" + key + "\"",
                           "merge the two into one");
        continue;
      }
      if (key == "data_dir") {
        if (!entry.second.IsScalar()) {
          diagnostics_.error(location(entry.second), "data_dir: expected a directory path");
          continue;
        }
        auto text = config_detail::scalar_text(ctx, entry.second, "data_dir");
        if (text) config.data_dir = *text;
      } else if (key == "log") {
        load_log_section(entry.first, entry.second, config);
      } else if (key == "observe") {
        load_observe_section(entry.first, entry.second, config);
      } else if (key == "schemas") {
        config_detail::load_schemas_section(context("schemas"), entry.first, entry.second,
                                            &config.schemas);
      } else if (key == "sources" || key == "transforms" || key == "sinks") {
        sections[key] = entry.second;
        load_section(key, entry.first, entry.second, config);
      } else {
        diagnostics_.error(location(entry.first),
                           "unknown key \"" + key + "\"" + did_you_mean(key, kTopLevelKeys),
                           "the top-level keys are data_dir, log, observe, schemas, sources, "
                           "transforms and sinks");
      }
    }
    if (!seen_keys.count("log"))
      load_log_section(YAML::Node(), YAML::Node(YAML::NodeType::Map), config);
    if (!seen_keys.count("observe"))
      load_observe_section(YAML::Node(), YAML::Node(YAML::NodeType::Map), config);
    if (!sections.count("sources")) {
      diagnostics_.error(SourceLocation{file_, 1, 1}, "the pipeline has no sources:",
                         "add a sources: section, e.g. a generator");
    }
    if (!sections.count("sinks")) {
      diagnostics_.error(SourceLocation{file_, 1, 1}, "the pipeline has no sinks:",
                         "add a sinks: section, e.g. a console or file sink");
    }
    // Components are kept in section order regardless of their order in the file.
    std::stable_sort(
        config.components.begin(), config.components.end(),
        [](const ComponentConfig& a, const ComponentConfig& b) { return a.kind < b.kind; });
    const size_t errors_before_graph = diagnostics_.size();
    check_graph(config, diagnostics_);
    catalog_.check_pipeline(config, diagnostics_, diagnostics_.size() == errors_before_graph);
    if (diagnostics_.size() != errors_before) return std::nullopt;
    return config;
  }

 private:
  // The YAML parser recurses once per nesting level; a hostile file nested thousands
  // deep would exhaust the stack. No pipeline needs more than a few levels.
  bool check_nesting() {
    constexpr int kMaxFlowDepth = 32;
    constexpr int kMaxIndent = 256;
    int depth = 0, line = 1, column = 0;
    bool line_start = true;
    int indent = 0;
    char quote = 0;
    bool comment = false;
    for (char c : text_) {
      ++column;
      if (c == '\n') {
        ++line;
        column = 0;
        line_start = true;
        indent = 0;
        comment = false;
        if (quote == '\'')
          quote = 0;  // single-quoted scalars rarely span lines; don't let one poison the rest
        continue;
      }
      if (line_start) {
        if (c == ' ') {
          if (++indent > kMaxIndent) {
            diagnostics_.error(
                SourceLocation{file_, line, column},
                "the file is indented more than " + std::to_string(kMaxIndent) + " columns deep");
            return false;
          }
          continue;
        }
        line_start = false;
      }
      if (comment) continue;
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '#') {
        comment = true;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        if (++depth > kMaxFlowDepth) {
          diagnostics_.error(
              SourceLocation{file_, line, column},
              "brackets nest more than " + std::to_string(kMaxFlowDepth) + " levels deep");
          return false;
        }
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    return true;
  }

  SourceLocation location(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) return SourceLocation{file_, 0, 0};
    return SourceLocation{file_, mark.line + 1, mark.column + 1};
  }

  ParseContext context(std::string subject) const {
    return ParseContext{file_, text_, &options_.env, &diagnostics_, std::move(subject)};
  }

  // A settings section (`log:`, `observe:`): a map of `specs`, every one optional,
  // with defaults filled in. `unknown_hint` explains an unknown option.
  void load_settings_section(
      const std::string& section, const YAML::Node& key, const YAML::Node& body,
      const std::vector<OptionSpec>& specs, OptionValues& values,
      const std::function<std::string(const std::string&, std::string*)>& unknown_hint) {
    ParseContext ctx = context(section);
    if (!body.IsMap()) {
      diagnostics_.error(
          location(body.IsNull() ? key : body),
          section + ": expected a map of settings, e.g. " + specs.front().name + ": ...");
      return;
    }
    std::set<std::string> seen;
    for (const auto& entry : body) {
      const std::string option = entry.first.Scalar();
      if (!seen.insert(option).second) {
        diagnostics_.error(location(entry.first), section + ": duplicate key \"" + option + "\"");
        continue;
      }
      auto spec = std::find_if(specs.begin(), specs.end(),
                               [&](const OptionSpec& o) { return o.name == option; });
      if (spec == specs.end()) {
        std::string suggestion;
        const std::string hint = unknown_hint(option, &suggestion);
        diagnostics_.error(location(entry.first),
                           section + ": unknown option \"" + option + "\"" + suggestion, hint);
        continue;
      }
      values.set(spec->name, config_detail::parse_option(ctx, *spec, entry.second),
                 location(entry.second));
    }
    for (const OptionSpec& spec : specs) {
      if (values.has(spec.name) || values.location(spec.name).line) continue;
      if (spec.default_text.empty()) {
        values.set(spec.name, std::monostate{}, SourceLocation{});
        continue;
      }
      ParseContext defaults = ctx;
      defaults.subject += " (default)";
      values.set(spec.name,
                 config_detail::parse_option(defaults, spec, YAML::Node(spec.default_text)),
                 SourceLocation{});
    }
  }

  static std::vector<std::string> option_names(const std::vector<OptionSpec>& specs) {
    std::vector<std::string> names;
    for (const OptionSpec& o : specs) names.push_back(o.name);
    return names;
  }

  // The `log:` section (log_options.h). Topic settings written here by mistake get a pointer to
  // where they go.
  void load_log_section(const YAML::Node& key, const YAML::Node& body, PipelineConfig& config) {
    load_settings_section(
        "log", key, body, log_section_options(), config.log,
        [](const std::string& option, std::string* suggestion) {
          const std::vector<std::string> names = option_names(log_section_options());
          const std::vector<std::string> topic_names = option_names(topic_options());
          *suggestion = did_you_mean(option, names);
          if (std::find(topic_names.begin(), topic_names.end(), option) != topic_names.end()) {
            return "\"" + option +
                   "\" is a setting of each source's topic: write it under the source";
          }
          if (suggestion->empty() && !(*suggestion = did_you_mean(option, topic_names)).empty()) {
            return std::string("topic settings such as fsync are written under each source");
          }
          return "log settings: " + join(names);
        });
    const OptionValues& o = config.log;
    const bool kafka = o.has("type") && o.get_string("type") == "kafka";
    if (kafka && (!o.has("brokers") || o.get_string("brokers").empty())) {
      diagnostics_.error(
          o.location("type"),
          "log: type kafka needs brokers: the bootstrap servers, host:port[,host:port...]");
    }
    // Bounds the embedded log keeps on its own files; Kafka's brokers keep their own.
    for (const char* option : {"disk_limit", "backlog_limit"}) {
      if (kafka && o.location(option).line > 0) {
        diagnostics_.error(
            o.location(option),
            std::string("log: ") + option +
                " bounds the embedded log; with type kafka, the brokers' retention and "
                "quotas do (docs/scale-out.md)");
      }
    }
    for (const char* option : {"brokers", "properties", "replication_factor", "request_timeout",
                               "handover_timeout", "stateful"}) {
      if (!kafka && o.location(option).line > 0) {
        diagnostics_.error(
            o.location(option),
            std::string("log: ") + option + " is a setting of the Kafka log: add type: kafka");
      }
    }
  }

  // The `observe:` section (observe_options.h).
  void load_observe_section(const YAML::Node& key, const YAML::Node& body, PipelineConfig& config) {
    load_settings_section("observe", key, body, observe_section_options(), config.observe,
                          [](const std::string& option, std::string* suggestion) {
                            const std::vector<std::string> names =
                                option_names(observe_section_options());
                            *suggestion = did_you_mean(option, names);
                            return "observe settings: " + join(names);
                          });
    // A section that did not load (not a map, a bad value) lacks some options:
    // check only what is there, the problem itself is reported already.
    const OptionValues& o = config.observe;
    auto text = [&](const char* name) { return o.has(name) ? o.get_string(name) : std::string(); };
    if (!text("address").empty()) {
      if (auto address = parse_listen_address(text("address")); !address) {
        diagnostics_.error(o.location("address"),
                           "observe: address: " + address.status().message());
      }
    }
    if (text("tls_cert").empty() != text("tls_key").empty()) {
      diagnostics_.error(o.location(text("tls_cert").empty() ? "tls_key" : "tls_cert"),
                         "observe: tls_cert and tls_key go together: give both or neither");
    }
    if (const std::string url = text("trace_endpoint");
        !url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      diagnostics_.error(
          o.location("trace_endpoint"),
          "observe: trace_endpoint: \"" + url + "\" is not an http:// or https:// URL",
          "e.g. http://127.0.0.1:4318/v1/traces");
    }
    // A record costs a transaction: more often than every 100 ms is a mistake.
    if (const int64_t every = o.has("history_interval") ? o.get_int("history_interval") : 0;
        every > 0 && every < 100'000) {
      diagnostics_.error(config.observe.location("history_interval"),
                         "observe: history_interval: must be 0s (off) or at least 100ms",
                         "try 10s");
    }
  }

  void load_section(const std::string& section, const YAML::Node& key, const YAML::Node& body,
                    PipelineConfig& config) {
    ComponentKind kind = kind_of_section(section);
    if (body.IsNull()) {
      if (kind != ComponentKind::kTransform) {
        diagnostics_.error(location(key), section + ": is empty",
                           "add at least one " + std::string(component_kind_name(kind)));
      }
      return;
    }
    if (!body.IsMap()) {
      diagnostics_.error(location(body), section + ": expected a map of component name to settings",
                         "write e.g.\n    " + section + ":\n      my_name:\n        type: ...");
      return;
    }
    for (const auto& entry : body) {
      load_component(kind, entry.first, entry.second, config);
    }
  }

  void load_component(ComponentKind kind, const YAML::Node& key, const YAML::Node& body,
                      PipelineConfig& config) {
    // Whole-component checks only make sense when every option read cleanly.
    const size_t errors_before_component = diagnostics_.size();
    const std::string name = key.Scalar();
    const std::string subject = std::string(component_kind_name(kind)) + " \"" + name + "\"";
    if (!valid_component_name(name)) {
      diagnostics_.error(location(key), subject + ": invalid name",
                         "use letters, digits, '_' and '-' (a '.' would read as an output port)");
      return;
    }
    if (const ComponentConfig* other = config.find(name)) {
      diagnostics_.error(location(key),
                         subject + ": the name is already used by the " +
                             component_kind_name(other->kind) + " at line " +
                             std::to_string(other->location.line),
                         "component names are unique across sources, transforms and sinks");
      return;
    }
    ComponentConfig component;
    component.name = name;
    component.kind = kind;
    component.location = location(key);
    if (!body.IsMap()) {
      diagnostics_.error(location(key),
                         subject + ": expected its settings as a map with at least type:");
      config.components.push_back(std::move(component));  // keep the name so inputs to it resolve
      return;
    }
    // Its settings as written (after ${VAR} interpolation), for the lineage ledger's
    // configuration hash: a changed transform shows as a changed hash.
    component.definition = YAML::Dump(body);
    ParseContext ctx = context(subject);

    YAML::Node type_node = body["type"];
    if (!type_node) {
      diagnostics_.error(location(key),
                         subject + ": missing type:", "types: " + join(catalog_.types(kind)));
    } else if (!type_node.IsScalar()) {
      diagnostics_.error(location(type_node), subject + ": type: expected a name");
    } else {
      component.type = type_node.Scalar();
      component.spec = catalog_.find(kind, component.type);
      if (component.spec == nullptr) report_unknown_type(kind, type_node, subject, component.type);
    }

    YAML::Node inputs_node = body["inputs"];
    if (kind == ComponentKind::kSource) {
      if (inputs_node) {
        diagnostics_.error(location(inputs_node), subject + ": a source has no inputs",
                           "remove inputs:, or make it a transform");
      }
    } else if (!inputs_node) {
      diagnostics_.error(location(key), subject + ": missing inputs:",
                         "list the components it reads, e.g. inputs: [my_source]");
    } else {
      parse_inputs(ctx, inputs_node, component);
    }

    if (YAML::Node schema = body["schema"]; schema && kind == ComponentKind::kSource) {
      if (auto text = config_detail::scalar_text(ctx, schema, "schema")) component.schema = *text;
      component.schema_where = location(schema);
    }
    if (YAML::Node accepts = body["accepts"]; accepts && kind == ComponentKind::kSink) {
      parse_accepts(ctx, accepts, component);
    }

    // Options: everything except type, inputs and the governance keys.
    std::set<std::string> seen;
    for (const auto& entry : body) {
      std::string option = entry.first.Scalar();
      if (!seen.insert(option).second) {
        diagnostics_.error(location(entry.first), subject + ": duplicate key \"" + option + "\"");
        continue;
      }
      if (option == "type" || option == "inputs" || component.spec == nullptr) continue;
      if ((option == "schema" && kind == ComponentKind::kSource) ||
          (option == "accepts" && kind == ComponentKind::kSink)) {
        continue;
      }
      const OptionSpec* spec = find_option(*component.spec, option);
      if (spec == nullptr) {
        std::vector<std::string> names{"type", "inputs"};
        if (kind == ComponentKind::kSource) names.push_back("schema");
        if (kind == ComponentKind::kSink) names.push_back("accepts");
        for (const OptionSpec& o : component.spec->options) names.push_back(o.name);
        diagnostics_.error(
            location(entry.first),
            subject + ": unknown option \"" + option + "\"" + did_you_mean(option, names),
            "options of " + std::string(component_kind_name(kind)) + " type " + component.type +
                ": " + join(option_names(*component.spec)));
        continue;
      }
      component.options.set(spec->name, config_detail::parse_option(ctx, *spec, entry.second),
                            location(entry.second));
    }
    bool missing_required = false;
    if (component.spec != nullptr) {
      missing_required = apply_defaults(ctx, key, component);
      if (diagnostics_.size() == errors_before_component && component.spec->check) {
        std::string problem = component.spec->check(component.options);
        if (!problem.empty()) diagnostics_.error(location(key), subject + ": " + problem);
      }
      // Checks of single options run whatever else is wrong: each problem is its option's own.
      if (component.spec->check_options) {
        for (const auto& [option, problem] : component.spec->check_options(component.options)) {
          diagnostics_.error(component.options.location(option),
                             subject + ": option \"" + option + "\": " + problem);
        }
      }
    }
    component.options_failed = missing_required || component.options.any_unparsed();
    config.components.push_back(std::move(component));
  }

  // Returns whether a required option is missing (reported here).
  bool apply_defaults(const ParseContext& ctx, const YAML::Node& key, ComponentConfig& component) {
    bool missing_required = false;
    for (const OptionSpec& spec : component.spec->options) {
      if (component.options.has(spec.name)) continue;
      if (spec.required && !component.options.location(spec.name).line) {
        diagnostics_.error(location(key),
                           ctx.subject + ": missing required option \"" + spec.name + "\"",
                           spec.doc);
        // Declared but empty, so the checks that run on a config with errors (outputs,
        // field flows) read "not set" rather than meet an undeclared option.
        component.options.set(spec.name, std::monostate{}, SourceLocation{});
        missing_required = true;
        continue;
      }
      if (component.options.location(spec.name).line)
        continue;  // given but invalid: already reported
      if (spec.default_text.empty()) {
        component.options.set(spec.name, std::monostate{}, SourceLocation{});
        continue;
      }
      // Defaults are parsed like user input, so they are checked by the same code. A
      // default list or map is written in YAML's flow style: ["a", "b"].
      const bool flow = spec.default_text.starts_with('[') || spec.default_text.starts_with('{');
      YAML::Node node = flow ? YAML::Load(spec.default_text) : YAML::Node(spec.default_text);
      ParseContext defaults = ctx;
      defaults.subject += " (default)";
      component.options.set(spec.name, config_detail::parse_option(defaults, spec, node),
                            SourceLocation{});
    }
    return missing_required;
  }

  void parse_inputs(const ParseContext& ctx, const YAML::Node& node, ComponentConfig& component) {
    std::vector<YAML::Node> items;
    if (node.IsScalar()) {
      items.push_back(node);
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) items.push_back(item);
    } else {
      diagnostics_.error(location(node),
                         ctx.subject + ": inputs: expected a list of component names");
      return;
    }
    if (items.empty()) {
      diagnostics_.error(location(node), ctx.subject + ": inputs: is empty",
                         "list the components it reads, e.g. inputs: [my_source]");
    }
    for (const YAML::Node& item : items) {
      if (!item.IsScalar()) {
        diagnostics_.error(location(item), ctx.subject + ": inputs: expected a component name");
        continue;
      }
      auto text = config_detail::scalar_text(ctx, item, "inputs");
      if (!text) continue;
      InputRef ref;
      size_t dot = text->find('.');
      ref.component = text->substr(0, dot);
      if (dot != std::string::npos) ref.port = text->substr(dot + 1);
      ref.where = location(item);
      component.inputs.push_back(std::move(ref));
    }
  }

  // `accepts: [public, internal]` or a single class; the names are the governance check's.
  void parse_accepts(const ParseContext& ctx, const YAML::Node& node, ComponentConfig& component) {
    component.accepts_where = location(node);
    std::vector<YAML::Node> items;
    if (node.IsScalar()) {
      items.push_back(node);
    } else if (node.IsSequence()) {
      for (const YAML::Node& item : node) items.push_back(item);
    }
    if (items.empty() || !std::all_of(items.begin(), items.end(),
                                      [](const YAML::Node& n) { return n.IsScalar(); })) {
      diagnostics_.error(
          location(node),
          ctx.subject + ": accepts: expected a list of classes, e.g. [public, internal]");
      return;
    }
    for (const YAML::Node& item : items) {
      if (auto text = config_detail::scalar_text(ctx, item, "accepts"))
        component.accepts.push_back(*text);
    }
  }

  void report_unknown_type(ComponentKind kind, const YAML::Node& node, const std::string& subject,
                           const std::string& type) {
    std::string hint = "types: " + join(catalog_.types(kind));
    for (ComponentKind other :
         {ComponentKind::kSource, ComponentKind::kTransform, ComponentKind::kSink}) {
      if (other != kind && catalog_.find(other, type) != nullptr) {
        hint = "\"" + type + "\" is a " + component_kind_name(other) + " type: move it under " +
               section_of_kind(other) + ":";
      }
    }
    diagnostics_.error(location(node),
                       subject + ": unknown " + component_kind_name(kind) + " type \"" + type +
                           "\"" + did_you_mean(type, catalog_.types(kind)),
                       hint);
  }

  static const OptionSpec* find_option(const ComponentSpec& spec, const std::string& name) {
    for (const OptionSpec& o : spec.options) {
      if (o.name == name) return &o;
    }
    return nullptr;
  }
  static std::vector<std::string> option_names(const ComponentSpec& spec) {
    std::vector<std::string> names;
    for (const OptionSpec& o : spec.options) names.push_back(o.name);
    return names;
  }
  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
    return out.empty() ? "(none)" : out;
  }

  std::string_view text_;
  std::string file_;
  const ComponentCatalog& catalog_;
  Diagnostics& diagnostics_;
  const LoadOptions& options_;
};

}  // namespace

std::optional<PipelineConfig> load_pipeline_text(std::string_view text,
                                                 const std::string& file_name,
                                                 const ComponentCatalog& catalog,
                                                 Diagnostics& diagnostics,
                                                 const LoadOptions& options) {
  if (text.size() > options.max_file_bytes) {
    diagnostics.error(SourceLocation{file_name, 0, 0}, "the pipeline file is " +
                                                           std::to_string(text.size()) +
                                                           " bytes, more than the limit of " +
                                                           std::to_string(options.max_file_bytes));
    return std::nullopt;
  }
  return Loader(text, file_name, catalog, diagnostics, options).load();
}

std::optional<PipelineConfig> load_pipeline_file(const std::string& path,
                                                 const ComponentCatalog& catalog,
                                                 Diagnostics& diagnostics,
                                                 const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(SourceLocation{path, 0, 0},
                      "cannot open the pipeline file: " + std::string(std::strerror(errno)));
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return load_pipeline_text(buffer.str(), path, catalog, diagnostics, options);
}

}  // namespace sluice
