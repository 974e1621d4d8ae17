#include "governance/protect.h"

#include <openssl/sha.h>

#include <array>
#include <cstring>

namespace sluice::governance {

namespace {

constexpr size_t kTokenBytes = 16;  // 128 bits of the HMAC: collisions need ~2^64 values
constexpr size_t kSivTagBytes = 16;
// The first plaintext byte: the format of what follows. It also keeps the
// plaintext from being empty, which AES-SIV in OpenSSL cannot take.
constexpr char kFormatVersion = 1;

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void append_base64url(const unsigned char* bytes, size_t size, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t n = uint32_t(bytes[i]) << 16 | uint32_t(bytes[i + 1]) << 8 | bytes[i + 2];
    *out += kAlphabet[n >> 18];
    *out += kAlphabet[(n >> 12) & 63];
    *out += kAlphabet[(n >> 6) & 63];
    *out += kAlphabet[n & 63];
  }
  if (size - i == 1) {
    const uint32_t n = uint32_t(bytes[i]) << 16;
    *out += kAlphabet[n >> 18];
    *out += kAlphabet[(n >> 12) & 63];
  } else if (size - i == 2) {
    const uint32_t n = uint32_t(bytes[i]) << 16 | uint32_t(bytes[i + 1]) << 8;
    *out += kAlphabet[n >> 18];
    *out += kAlphabet[(n >> 12) & 63];
    *out += kAlphabet[(n >> 6) & 63];
  }
}

bool decode_base64url(std::string_view text, std::string* out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return true;
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::create(std::string key_id, const log::Key256& key) {
  if (!valid_key_id(key_id)) {
    return Status::invalid("key id \"" + key_id +
                           "\": use 1 to 32 letters, digits or '-' (it is part of every token)");
  }
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  t->key_id_ = std::move(key_id);
  t->key_ = key;
  t->inner_ = EVP_MD_CTX_new();
  t->outer_ = EVP_MD_CTX_new();
  t->work_ = EVP_MD_CTX_new();
  t->cipher_ = EVP_CIPHER_CTX_new();
  t->siv_ = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  if (!t->inner_ || !t->outer_ || !t->work_ || !t->cipher_ || !t->siv_) {
    return Status::internal("OpenSSL: cannot set up SHA-256 and AES-SIV");
  }
  // HMAC (RFC 2104) with its two keyed halves computed once: per value only the
  // value and the inner digest are hashed.
  std::array<unsigned char, 64> pad{};
  for (size_t i = 0; i < pad.size(); ++i) pad[i] = (i < key.size() ? key[i] : 0) ^ 0x36;
  EVP_DigestInit_ex(t->inner_, EVP_sha256(), nullptr);
  EVP_DigestUpdate(t->inner_, pad.data(), pad.size());
  for (size_t i = 0; i < pad.size(); ++i) pad[i] = (i < key.size() ? key[i] : 0) ^ 0x5c;
  EVP_DigestInit_ex(t->outer_, EVP_sha256(), nullptr);
  EVP_DigestUpdate(t->outer_, pad.data(), pad.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  return t;
}

Tokenizer::~Tokenizer() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
  EVP_MD_CTX_free(work_);
  EVP_CIPHER_CTX_free(cipher_);
  EVP_CIPHER_free(siv_);
  OPENSSL_cleanse(key_.data(), key_.size());
}

void Tokenizer::tokenize(std::string_view value, std::string* out) {
  unsigned char inner[32], mac[32];
  unsigned int n = 0;
  EVP_MD_CTX_copy_ex(work_, inner_);
  EVP_DigestUpdate(work_, value.data(), value.size());
  EVP_DigestFinal_ex(work_, inner, &n);
  EVP_MD_CTX_copy_ex(work_, outer_);
  EVP_DigestUpdate(work_, inner, sizeof inner);
  EVP_DigestFinal_ex(work_, mac, &n);
  out->append("tok_").append(key_id_).append("_");
  append_base64url(mac, kTokenBytes, out);
}

Status Tokenizer::encrypt(std::string_view value, std::string* out) {
  std::string plain(1, kFormatVersion);
  plain += value;
  std::string buffer(plain.size() + 16, '\0');
  int len = 0, final_len = 0;
  unsigned char tag[kSivTagBytes];
  // SIV takes the whole plaintext in one update (an empty one too).
  if (EVP_EncryptInit_ex2(cipher_, siv_, key_.data(), nullptr, nullptr) != 1 ||
      EVP_EncryptUpdate(cipher_, reinterpret_cast<unsigned char*>(buffer.data()), &len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(cipher_, reinterpret_cast<unsigned char*>(buffer.data()) + len,
                          &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(cipher_, EVP_CTRL_AEAD_GET_TAG, kSivTagBytes, tag) != 1) {
    return Status::internal("AES-SIV encryption failed");
  }
  buffer.resize(static_cast<size_t>(len + final_len));
  std::string sealed(reinterpret_cast<const char*>(tag), kSivTagBytes);
  sealed += buffer;
  out->append("enc_").append(key_id_).append("_");
  append_base64url(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(), out);
  return Status::ok();
}

bool is_protected_text(std::string_view text) {
  if (!(text.starts_with("tok_") || text.starts_with("enc_"))) return false;
  const size_t sep = text.find('_', 4);
  return sep != std::string_view::npos && valid_key_id(text.substr(4, sep - 4)) &&
         sep + 1 < text.size();
}

Result<std::string> decrypt_value(std::string_view text, const log::KeyRing& keys) {
  if (!text.starts_with("enc_")) {
    return Status::invalid(text.starts_with("tok_")
                               ? "a token is one-way: only encrypted values (enc_…) can be reversed"
                               : "not an encrypted value (enc_<key id>_…)");
  }
  const size_t sep = text.find('_', 4);
  if (sep == std::string_view::npos)
    return Status::invalid("not an encrypted value (enc_<key id>_…)");
  const std::string key_id(text.substr(4, sep - 4));
  const log::Key256* key = keys.find(key_id);
  if (!key) return Status::not_found("no key \"" + key_id + "\" to decrypt with");
  std::string sealed;
  if (!decode_base64url(text.substr(sep + 1), &sealed) || sealed.size() < kSivTagBytes) {
    return Status::invalid("the encrypted value is damaged (not base64url, or too short)");
  }
  EVP_CIPHER* siv = EVP_CIPHER_fetch(nullptr, "AES-128-SIV", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string plain(sealed.size(), '\0');
  int len = 0, final_len = 0;
  const bool ok =
      siv && ctx && EVP_DecryptInit_ex2(ctx, siv, key->data(), nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kSivTagBytes, sealed.data()) == 1 &&
      EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(plain.data()), &len,
                        reinterpret_cast<const unsigned char*>(sealed.data()) + kSivTagBytes,
                        static_cast<int>(sealed.size() - kSivTagBytes)) == 1 &&
      EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plain.data()) + len, &final_len) ==
          1;
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(siv);
  if (!ok)
    return Status::corruption("the value does not decrypt under key \"" + key_id +
                              "\": wrong key or altered");
  plain.resize(static_cast<size_t>(len + final_len));
  if (plain.empty() || plain[0] != kFormatVersion)
    return Status::corruption("unknown encrypted value format");
  return plain.substr(1);
}

void mask_value(std::string_view value, size_t keep_last, std::string* out) {
  // Count code points, not bytes, so a name in any script keeps whole characters.
  size_t points = 0;
  for (unsigned char c : value) points += (c & 0xC0) != 0x80 ? 1 : 0;
  const size_t hide = points > keep_last ? points - keep_last : 0;
  size_t seen = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if ((c & 0xC0) != 0x80) ++seen;
    if (seen <= hide) {
      if ((c & 0xC0) != 0x80) *out += '*';
    } else {
      *out += value[i];
    }
  }
}

void hash_value(std::string_view value, std::string* out) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int n = 0;
  EVP_Digest(value.data(), value.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : digest) {
    *out += kHex[b >> 4];
    *out += kHex[b & 15];
  }
}

}  // namespace sluice::governance
