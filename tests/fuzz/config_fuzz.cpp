// Fuzz target: the pipeline loader must turn any bytes into either a config or
// diagnostics — never a crash, a hang or an exception escaping.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config/config_loader.h"
#include "runtime/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::LoadOptions options;
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    return std::nullopt;
  };
  sluice::Diagnostics diagnostics;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = sluice::load_pipeline_text(text, "fuzz.yaml", sluice::runtime::Registry::builtin(), diagnostics,
                                           options);
  // A config exists exactly when there are no diagnostics.
  if (config.has_value() == !diagnostics.empty()) __builtin_trap();
  (void)diagnostics.format();
  return 0;
}
