#include "core/config/graph_check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/suggest.h"

namespace sluice {

std::vector<std::string> component_outputs(const ComponentConfig& component) {
  std::vector<std::string> outputs;
  if (component.kind == ComponentKind::kSink) {
    // A sink cleared for some classes refuses events holding more (governance/exposure_guard.h).
    if (!component.accepts.empty()) outputs.push_back("rejected");
    return outputs;
  }
  outputs.push_back("");
  if (component.spec != nullptr && component.spec->named_outputs) {
    for (std::string& port : component.spec->named_outputs(component.options))
      outputs.push_back(std::move(port));
  }
  if (component.kind == ComponentKind::kTransform) outputs.push_back("dead_letter");
  return outputs;
}

namespace {

std::string subject(const ComponentConfig& c) {
  return std::string(component_kind_name(c.kind)) + " \"" + c.name + "\"";
}

void check_inputs(const PipelineConfig& config, Diagnostics& diagnostics,
                  std::set<std::string>* read) {
  std::vector<std::string> readable;
  for (const ComponentConfig& c : config.components) {
    if (c.kind != ComponentKind::kSink) readable.push_back(c.name);
  }
  for (const ComponentConfig& c : config.components) {
    for (const InputRef& input : c.inputs) {
      const ComponentConfig* from = config.find(input.component);
      if (from == nullptr) {
        diagnostics.error(
            input.where,
            subject(c) + ": unknown input \"" + input.to_string() + "\"" +
                did_you_mean(input.component, readable),
            readable.empty() ? "" : "components that can be read: " + [&] {
              std::string s;
              for (const std::string& r : readable) s += (s.empty() ? "" : ", ") + r;
              return s;
            }());
        continue;
      }
      if (from->kind == ComponentKind::kSink &&
          (input.port != "rejected" || from->accepts.empty())) {
        diagnostics.error(
            input.where, subject(c) + ": input \"" + input.to_string() + "\" is a sink",
            !from->accepts.empty() ? "a sink's only output is \"" + from->name +
                                         ".rejected\": what its accepts: refused"
            : input.port == "rejected"
                ? "\"" + from->name +
                      "\" has no accepts:, so it refuses nothing; give it one to read "
                      "what it refuses"
                : "sinks have no outputs; read the component that feeds it instead");
        continue;
      }
      if (from == &c) {
        diagnostics.error(input.where, subject(c) + ": reads its own output");
        continue;
      }
      if (from->spec == nullptr) {
        read->insert(from->name);  // its type is unknown (already reported): don't pile on
        continue;
      }
      std::vector<std::string> ports = component_outputs(*from);
      if (std::find(ports.begin(), ports.end(), input.port) == ports.end() &&
          from->options_failed) {
        read->insert(from->name);  // its outputs come from options that did not parse (reported):
                                   // don't pile on
        continue;
      }
      if (std::find(ports.begin(), ports.end(), input.port) == ports.end()) {
        std::vector<std::string> named;
        for (const std::string& p : ports) {
          if (!p.empty()) named.push_back(p);
        }
        std::string list;
        for (const std::string& p : named)
          list += (list.empty() ? "" : ", ") + from->name + "." + p;
        diagnostics.error(input.where,
                          subject(c) + ": " + subject(*from) + " has no output \"" + input.port +
                              "\"" + did_you_mean(input.port, named),
                          list.empty() ? "read it as \"" + from->name + "\""
                                       : "its outputs: " + from->name + ", " + list);
        continue;
      }
      read->insert(from->name);
    }
  }
}

void check_cycles(const PipelineConfig& config, Diagnostics& diagnostics) {
  // Depth-first search over input edges; a back edge closes a cycle.
  enum class Mark { kNew, kActive, kDone };
  std::map<std::string, Mark> marks;
  std::vector<const ComponentConfig*> stack;
  std::set<std::string> reported;
  std::function<void(const ComponentConfig&)> visit = [&](const ComponentConfig& c) {
    marks[c.name] = Mark::kActive;
    stack.push_back(&c);
    for (const InputRef& input : c.inputs) {
      const ComponentConfig* from = config.find(input.component);
      if (from == nullptr || from == &c) continue;
      if (from->kind == ComponentKind::kSink && (input.port != "rejected" || from->accepts.empty()))
        continue;
      Mark m = marks[from->name];
      if (m == Mark::kActive) {
        auto start = std::find(stack.begin(), stack.end(), from);
        std::string path;
        for (auto it = start; it != stack.end(); ++it) path += (*it)->name + " → ";
        path += from->name;
        if (reported.insert(from->name).second) {
          diagnostics.error(input.where, subject(c) + ": inputs form a cycle: " + path,
                            "data must flow from sources to sinks; break the cycle by removing one "
                            "of these inputs");
        }
      } else if (m == Mark::kNew) {
        visit(*from);
      }
    }
    stack.pop_back();
    marks[c.name] = Mark::kDone;
  };
  for (const ComponentConfig& c : config.components) {
    if (marks[c.name] == Mark::kNew) visit(c);
  }
}

}  // namespace

void check_graph(const PipelineConfig& config, Diagnostics& diagnostics) {
  std::set<std::string> read;
  const size_t errors_before = diagnostics.size();
  check_inputs(config, diagnostics, &read);
  // A misspelt input most likely meant an unread component; reporting that
  // component as unread too would be the same mistake twice.
  const bool inputs_ok = diagnostics.size() == errors_before;
  check_cycles(config, diagnostics);
  for (const ComponentConfig& c : config.components) {
    if (!inputs_ok) break;
    if (c.kind == ComponentKind::kSink || read.count(c.name)) continue;
    diagnostics.error(c.location, subject(c) + ": nobody reads it",
                      "add \"" + c.name + "\" to the inputs: of a transform or sink, or remove it");
  }
}

}  // namespace sluice
