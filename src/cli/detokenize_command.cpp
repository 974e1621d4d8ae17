// sluice detokenize: turns values a govern transform encrypted (enc_<key id>_…)
// back into what they were, for the role that holds the keys. Tokens (tok_…) are
// one-way by design and stay as they are, with a note on stderr.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "governance/protect.h"
#include "log/encryption.h"

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
  cmd->add_option("VALUE", values, "Encrypted values (default: read lines from stdin)");
  cmd->add_option("--key-file", key_file,
                  "Key file, one `<id> <64 hex digits>` per line, mode 0600");
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
    bool all_ok = true;
    auto one = [&](const std::string& value) {
      auto plain = governance::decrypt_value(value, keys);
      if (plain) {
        std::printf("%s\n", plain->c_str());
      } else {
        std::printf("%s\n", value.c_str());
        std::fprintf(stderr, "sluice detokenize: %.40s…: %s\n", value.c_str(),
                     plain.status().message().c_str());
        all_ok = false;
      }
    };
    if (values.empty()) {
      std::string line;
      while (std::getline(std::cin, line)) one(line);
    } else {
      for (const std::string& v : values) one(v);
    }
    *exit_code = all_ok ? kExitOk : kExitRuntimeFailure;
  });
}

}  // namespace sluice::cli
