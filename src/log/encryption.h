// Encryption at rest of log batches: AES-256-GCM through OpenSSL.
//
// Keys have ids, so a topic can move to a new key while batches written under the
// old one stay readable (rotation). A KeyRing is loaded from a key file — one key
// per line, `<id> <64 hex digits>`, '#' starts a comment, the file must not be
// readable by group or others — and/or from an environment variable holding
// `<id>:<hex>[,<id>:<hex>…]`. The 16-byte GCM tag authenticates the batch header
// too, so a wrong key or a tampered batch is an error, never garbage.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sluice::log {

using Key256 = std::array<unsigned char, 32>;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;

class KeyRing {
 public:
  Status load_file(const std::string& path);
  // `source` names where the text came from, for error messages (e.g. "$SLUICE_LOG_KEYS").
  Status load_text_list(std::string_view text, const std::string& source);
  Status add(const std::string& id, std::string_view hex, const std::string& where);
  // The keys of `file` (when not empty) and of the environment variable `env_var`
  // (when set and not empty): how every part of sluice that takes keys loads them.
  Status load(const std::string& file, const std::string& env_var);

  const Key256* find(const std::string& id) const;
  bool empty() const { return keys_.empty(); }
  std::vector<std::string> ids() const;

 private:
  std::map<std::string, Key256> keys_;
};

// Creates a key file holding one new random key named `id`, readable by its owner
// only (mode 0600; missing directories are made 0700). Never replaces a file:
// an error when `path` exists. For first runs and demos; keys that matter
// come from a secret store.
Status create_key_file(const std::string& path, const std::string& id);
// create_key_file() when `path` does not exist, with a warning in the log that says
// to back it up; what a `create_key: true` setting does.
Status create_key_file_if_missing(const std::string& path, const std::string& id,
                                  std::string_view purpose);

// Encrypts `plain` with a fresh random nonce; appends the ciphertext to *out and
// writes the nonce and tag. `aad` is authenticated but not encrypted.
Status seal(const Key256& key, std::string_view aad, std::string_view plain, unsigned char* nonce,
            unsigned char* tag, std::string* out);

// Decrypts and authenticates; kCorruption ("does not authenticate") on a wrong key or altered
// bytes.
Status open_sealed(const Key256& key, std::string_view aad, std::string_view cipher,
                   const unsigned char* nonce, const unsigned char* tag, std::string* out);

}  // namespace sluice::log
