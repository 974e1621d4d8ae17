// Protections for sensitive values: what a govern action turns a value into.
//
//   tokenize  "tok_<key id>_<22 chars>": HMAC-SHA256 of the value under a secret key,
//             first 128 bits, base64url. Stable (same value and key, same token),
//             so tokens still join and count distinct; one-way without the key.
//   encrypt   "enc_<key id>_<base64url>": AES-SIV (RFC 5297, AES-128-SIV with the
//             32-byte key): deterministic like a token, but the holder of the key
//             can reverse it (`sluice detokenize`). The key id in the text keeps old
//             values readable after the active key changes.
//   mask      every character but the last N replaced by '*' (UTF-8 aware).
//   hash      SHA-256 hex of the value, unkeyed: stable and one-way, but a short
//             value can be found by trying candidates — prefer tokenize for PII.
//
// Not thread-safe per object (a Tokenizer keeps OpenSSL contexts); one per transform.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "log/encryption.h"

namespace sluice::governance {

class Tokenizer {
 public:
  // `key_id` must be a short name of letters, digits and '-' (it goes into tokens).
  static Result<std::unique_ptr<Tokenizer>> create(std::string key_id, const log::Key256& key);
  ~Tokenizer();

  const std::string& key_id() const { return key_id_; }
  // Appends the token of `value` to *out.
  void tokenize(std::string_view value, std::string* out);
  Status encrypt(std::string_view value, std::string* out);

 private:
  Tokenizer() = default;
  std::string key_id_;
  log::Key256 key_{};
  EVP_MD_CTX* inner_ = nullptr;  // SHA-256 after (key ^ ipad): HMAC's first half, reused per value
  EVP_MD_CTX* outer_ = nullptr;  // SHA-256 after (key ^ opad)
  EVP_MD_CTX* work_ = nullptr;
  EVP_CIPHER* siv_ = nullptr;
  EVP_CIPHER_CTX* cipher_ = nullptr;
};

// Reverses encrypt(): `text` is "enc_<key id>_<base64url>"; the key is found by its id.
Result<std::string> decrypt_value(std::string_view text, const log::KeyRing& keys);

// Whether `text` looks like a token or an encrypted value sluice made.
bool is_protected_text(std::string_view text);

void mask_value(std::string_view value, size_t keep_last, std::string* out);
void hash_value(std::string_view value, std::string* out);

// base64url without padding (RFC 4648 §5), for tokens.
void append_base64url(const unsigned char* bytes, size_t size, std::string* out);
bool decode_base64url(std::string_view text, std::string* out);

}  // namespace sluice::governance
