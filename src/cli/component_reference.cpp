#include "cli/component_reference.h"

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

}  // namespace

std::string component_reference_text(const runtime::Registry& registry) {
  std::string out;
  for (ComponentKind kind : kKinds) {
    out += title(kind) + ":\n";
    for (const std::string& type : registry.types(kind)) {
      const ComponentSpec* spec = registry.find(kind, type);
      out += "  " + type + " — " + spec->summary + "\n";
      for (const OptionSpec& o : spec->options) {
        out += "      " + o.name + " (" + type_label(o) + ", " + default_label(o) + "): " + o.doc + "\n";
      }
    }
    out += "\n";
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
      if (spec->options.empty()) {
        out += "No options besides `type`" + std::string(kind == ComponentKind::kSource ? "" : " and `inputs`") + ".\n\n";
        continue;
      }
      out += "| option | type | default | description |\n|---|---|---|---|\n";
      for (const OptionSpec& o : spec->options) {
        std::string doc = o.doc;
        out += "| `" + o.name + "` | " + type_label(o) + " | " +
               (o.required || o.default_text.empty() ? default_label(o) : "`" + o.default_text + "`") + " | " + doc +
               " |\n";
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace sluice::cli
