#include "cli/component_reference.h"

#include "core/config/log_options.h"
#include "core/config/observe_options.h"

namespace sluice::cli {
namespace {

const ComponentKind kKinds[] = {ComponentKind::kSource, ComponentKind::kTransform, ComponentKind::kSink};

std::string type_label(const OptionSpec& o) {
  if (o.type != OptionType::kEnum) return option_type_name(o.type);
  std::string out = "one of ";
  for (size_t i = 0; i < o.choices.size(); ++i) out += (i ? ", " : "") + o.choices[i];
  return out;
}

std::string default_label(const OptionSpec& o) {
  if (o.required) return "required";
  if (o.default_text.empty()) return "none";
  return o.default_text;
}

std::string title(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kSource: return "Sources";
    case ComponentKind::kTransform: return "Transforms";
    case ComponentKind::kSink: return "Sinks";
  }
  return "";
}

bool is_topic_option(const OptionSpec& o) {
  for (const OptionSpec& t : topic_options()) {
    if (t.name == o.name) return true;
  }
  return false;
}

std::string markdown_table(const std::vector<OptionSpec>& options, bool skip_topic_options) {
  std::string out = "| option | type | default | description |\n|---|---|---|---|\n";
  for (const OptionSpec& o : options) {
    if (skip_topic_options && is_topic_option(o)) continue;
    out += "| `" + o.name + "` | " + type_label(o) + " | " +
           (o.required || o.default_text.empty() ? default_label(o) : "`" + o.default_text + "`") + " | " + o.doc +
           " |\n";
  }
  return out + "\n";
}

}  // namespace

std::string component_reference_text(const runtime::Registry& registry) {
  std::string out;
  for (ComponentKind kind : kKinds) {
    out += title(kind) + ":\n";
    for (const std::string& type : registry.types(kind)) {
      const ComponentSpec* spec = registry.find(kind, type);
      out += "  " + type + " — " + spec->summary + "\n";
      for (const OptionSpec& o : spec->options) {
        if (kind == ComponentKind::kSource && is_topic_option(o)) continue;
        out += "      " + o.name + " (" + type_label(o) + ", " + default_label(o) + "): " + o.doc + "\n";
      }
    }
    if (kind == ComponentKind::kSource) {
      out += "  every source also has its log topic's options:\n";
      for (const OptionSpec& o : topic_options()) {
        out += "      " + o.name + " (" + type_label(o) + ", " + default_label(o) + "): " + o.doc + "\n";
      }
    }
    out += "\n";
  }
  out += "Log (the top-level log: section):\n";
  for (const OptionSpec& o : log_section_options()) {
    out += "      " + o.name + " (" + type_label(o) + ", " + default_label(o) + "): " + o.doc + "\n";
  }
  out += "Observe (the top-level observe: section):\n";
  for (const OptionSpec& o : observe_section_options()) {
    out += "      " + o.name + " (" + type_label(o) + ", " + default_label(o) + "): " + o.doc + "\n";
  }
  return out;
}

std::string component_reference_markdown(const runtime::Registry& registry) {
  std::string out;
  for (ComponentKind kind : kKinds) {
    out += "### " + title(kind) + "\n\n";
    for (const std::string& type : registry.types(kind)) {
      const ComponentSpec* spec = registry.find(kind, type);
      out += "#### `" + type + "`\n\n" + spec->summary + "\n\n";
      if (kind == ComponentKind::kTransform) {
        out += "Outputs: `<name>` (default), ";
        out += "`<name>.dead_letter` (events it could not process, with the reason).\n\n";
      }
      bool own_options = false;
      for (const OptionSpec& o : spec->options) own_options = own_options || !is_topic_option(o) || kind != ComponentKind::kSource;
      if (!own_options) {
        out += "No options besides `type`" + std::string(kind == ComponentKind::kSource ? " and the topic options" : " and `inputs`") + ".\n\n";
        continue;
      }
      out += markdown_table(spec->options, kind == ComponentKind::kSource);
    }
    if (kind == ComponentKind::kSource) {
      out += "#### Topic options (every source)\n\nEach source appends to a log topic of its own; these options shape it.\n\n";
      out += markdown_table(topic_options(), false);
    }
  }
  out += "### Log\n\nThe top-level `log:` section.\n\n" + markdown_table(log_section_options(), false);
  out += "\n### Observe\n\nThe top-level `observe:` section (docs/observability.md).\n\n" +
         markdown_table(observe_section_options(), false);
  return out;
}

}  // namespace sluice::cli
