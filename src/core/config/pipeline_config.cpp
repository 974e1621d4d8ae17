#include "core/config/pipeline_config.h"

#include <set>

namespace sluice {

const ComponentConfig* PipelineConfig::find(std::string_view name) const {
  for (const ComponentConfig& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const SchemaConfig* PipelineConfig::find_schema(std::string_view name) const {
  for (const SchemaConfig& s : schemas) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void PipelineConfig::for_each_upstream(const ComponentConfig& component,
                                       const std::function<void(const ComponentConfig&)>& each) const {
  std::vector<const ComponentConfig*> stack{&component};
  std::set<std::string> seen;
  while (!stack.empty()) {
    const ComponentConfig* c = stack.back();
    stack.pop_back();
    for (const InputRef& input : c->inputs) {
      if (!seen.insert(input.component).second) continue;
      const ComponentConfig* from = find(input.component);
      if (from == nullptr) continue;
      each(*from);
      if (from->kind != ComponentKind::kSource) stack.push_back(from);
    }
  }
}

}  // namespace sluice
