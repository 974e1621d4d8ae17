// sluice detokenize: turns values a govern transform encrypted (enc_<key id>_…)
// back into what they were, for the role that holds the keys. Tokens (tok_…) are
// one-way by design and stay as they are, with a note on stderr. Every call is
// written to the data directory's audit log first; if it cannot be, nothing is shown.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/data_dir_option.h"
#include "cli/exit_codes.h"
#include "governance/audit_log.h"
#include "governance/protect.h"
#include "log/encryption.h"
#include "observe/json_out.h"

namespace sluice::cli {

void add_detokenize_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("detokenize",
                                     "Decrypt values a govern transform encrypted (enc_<key "
                                     "id>_...), with the keys by their ids. Values from\n"
                                     "the arguments, or one per line on stdin; each result on its "
                                     "own line. Exit code 3 if any value could\n"
                                     "not be decrypted (wrong key, altered, or a one-way token).");
  static std::vector<std::string> values;
  static std::string key_file;
  static std::string key_env = "SLUICE_GOVERN_KEYS";
  static std::string config, data_dir = "./data";
  cmd->add_option("VALUE", values, "Encrypted values (default: read lines from stdin)");
  cmd->add_option("--key-file", key_file,
                  "Key file, one `<id> <64 hex digits>` per line, mode 0600");
  cmd->add_option("-c,--config", config, "Pipeline file whose data_dir holds the audit log");
  cmd->add_option("--data-dir", data_dir,
                  "Data directory whose audit log records the call (without -c)")
      ->capture_default_str();
  cmd->add_option("--key-env", key_env, "Environment variable with `<id>:<hex>[,...]`")
      ->capture_default_str();
  cmd->callback([exit_code] {
    log::KeyRing keys;
    const Status loaded = keys.load(key_file, key_env);
    if (!loaded.is_ok() || keys.empty()) {
      std::fprintf(stderr, "sluice detokenize: %s\n",
                   loaded.is_ok() ? ("no keys: give --key-file or set $" + key_env).c_str()
                                  : loaded.message().c_str());
      *exit_code = kExitUsage;
      return;
    }
    std::vector<std::string> inputs = values;
    if (inputs.empty()) {
      for (std::string line; std::getline(std::cin, line);) inputs.push_back(line);
    }
    std::vector<Result<std::string>> results;
    std::set<std::string> key_ids;
    size_t failed = 0;
    for (const std::string& v : inputs) {
      results.push_back(governance::decrypt_value(v, keys));
      if (results.back()) {
        key_ids.insert(v.substr(4, v.find('_', 4) - 4));
      } else {
        ++failed;
      }
    }
    // Audited before anything is revealed: no entry, no plaintext.
    auto resolved = pipeline_state(config, data_dir);
    if (!resolved) {
      std::fputs(resolved.status().message().c_str(), stderr);
      *exit_code = kExitInvalidPipeline;
      return;
    }
    const std::string dir = resolved->data_dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      std::fprintf(
          stderr,
          "sluice detokenize: %s is not a data directory: give -c PIPELINE or --data-dir (every "
          "detokenize is written to its audit log)\n",
          dir.c_str());
      *exit_code = kExitUsage;
      return;
    }
    observe::JsonOut j;
    j.begin_object().key("values").value(static_cast<uint64_t>(inputs.size()));
    j.key("decrypted")
        .value(static_cast<uint64_t>(inputs.size() - failed))
        .key("failed")
        .value(static_cast<uint64_t>(failed));
    j.key("key_ids").begin_array();
    for (const std::string& id : key_ids) j.value(id);
    j.end_array().end_object();
    const std::string fields = j.take();
    auto audit = governance::AuditLog::open(dir, resolved->keys, resolved->seal_key_id);
    Status audited = audit ? (*audit)->record("detokenize",
                                              std::string_view(fields).substr(1, fields.size() - 2))
                           : audit.status();
    if (!audited.is_ok()) {
      std::fprintf(stderr, "sluice detokenize: nothing revealed: %s\n", audited.message().c_str());
      *exit_code = kExitRuntimeFailure;
      return;
    }
    bool all_ok = true;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (results[i]) {
        std::printf("%s\n", results[i]->c_str());
      } else {
        std::printf("%s\n", inputs[i].c_str());
        std::fprintf(stderr, "sluice detokenize: %.40s…: %s\n", inputs[i].c_str(),
                     results[i].status().message().c_str());
        all_ok = false;
      }
    }
    *exit_code = all_ok ? kExitOk : kExitRuntimeFailure;
  });
}

}  // namespace sluice::cli
