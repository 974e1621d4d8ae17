#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "core/expr/functions.h"

namespace sluice::expr::functions {
namespace {

Value hex_in_arena(Arena& arena, const unsigned char* digest, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* p = static_cast<char*>(arena.allocate(size * 2, 1));
  for (size_t i = 0; i < size; ++i) {
    p[2 * i] = kHex[digest[i] >> 4];
    p[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return Value::string({p, size * 2});
}

}  // namespace

bool sha256(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "sha256", args, 0)) return false;
  std::string_view s = args[0].as_string();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  *out = hex_in_arena(ctx.arena, digest, sizeof digest);
  return true;
}

bool hmac_sha256(const CallContext& ctx, std::span<const Value> args, Value* out) {
  if (!expect_string(ctx, "hmac_sha256", args, 0) || !expect_string(ctx, "hmac_sha256", args, 1)) return false;
  std::string_view s = args[0].as_string();
  std::string_view key = args[1].as_string();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(s.data()),
           s.size(), digest, &size) == nullptr) {
    return fail(ctx, "hmac_sha256: OpenSSL failed to compute the HMAC");
  }
  *out = hex_in_arena(ctx.arena, digest, size);
  return true;
}

}  // namespace sluice::expr::functions
