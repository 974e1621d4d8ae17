#include "log/encryption.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "log/file_system.h"

namespace sluice::log {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

Status KeyRing::add(const std::string& id, std::string_view hex, const std::string& where) {
  if (id.empty() || id.size() > 255)
    return Status::invalid(where + ": a key id is 1 to 255 characters");
  if (hex.size() != 64) {
    return Status::invalid(where + ": key \"" + id + "\" must be 64 hex digits (256 bits), got " +
                           std::to_string(hex.size()) + " characters");
  }
  Key256 key;
  for (size_t i = 0; i < 32; ++i) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return Status::invalid(where + ": key \"" + id + "\" has a character that is not hex");
    key[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  if (keys_.count(id)) return Status::invalid(where + ": key id \"" + id + "\" is defined twice");
  keys_[id] = key;
  return Status::ok();
}

Status KeyRing::load_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::not_found("key file " + path + " does not exist");
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", st.st_mode & 0777);
    return Status::invalid("key file " + path + " is accessible by group or others (mode " + mode +
                           "); run: chmod 600 " + path);
  }
  std::ifstream in(path);
  if (!in) return Status::io_error("cannot read key file " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view text = line;
    if (auto hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
    text = trim(text);
    if (text.empty()) continue;
    size_t space = text.find_first_of(" \t");
    const std::string where = path + ":" + std::to_string(number);
    if (space == std::string_view::npos)
      return Status::invalid(where + ": expected \"<key id> <64 hex digits>\"");
    SLUICE_RETURN_IF_ERROR(
        add(std::string(text.substr(0, space)), trim(text.substr(space)), where));
  }
  return Status::ok();
}

Status create_key_file(const std::string& path, const std::string& id) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (slash != std::string::npos) {
    std::string partial;
    for (size_t i = 0; i <= dir.size(); ++i) {
      if (i == dir.size() || (dir[i] == '/' && i > 0)) {
        partial = dir.substr(0, i);
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
          return Status::io_error("cannot create directory " + partial + ": " +
                                  std::strerror(errno));
        }
      }
    }
  }
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) return Status::internal("no random bytes for a new key");
  static const char kHex[] = "0123456789abcdef";
  std::string text =
      "# made by sluice on first use; back it up: without it tokens cannot be reproduced\n" + id +
      " ";
  for (unsigned char b : key) {
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  text += "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::invalid("key file " + path + " exists: it is never replaced");
    return Status::io_error("cannot create key file " + path + ": " + std::strerror(errno));
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Status::io_error("cannot write key file " + path + ": " + std::strerror(errno));
  }
  return FileSystem::posix().sync_directory(dir);
}

Status create_key_file_if_missing(const std::string& path, const std::string& id,
                                  std::string_view purpose) {
  if (::access(path.c_str(), F_OK) == 0 || errno != ENOENT) return Status::ok();
  SLUICE_RETURN_IF_ERROR(create_key_file(path, id));
  spdlog::warn(
      "created key file {} with a new key \"{}\" for {} (mode 0600): back it up, what it protects "
      "cannot be read or reproduced without it",
      path, id, purpose);
  return Status::ok();
}

Status KeyRing::load(const std::string& file, const std::string& env_var) {
  if (!file.empty()) SLUICE_RETURN_IF_ERROR(load_file(file));
  if (env_var.empty()) return Status::ok();
  const char* text = std::getenv(env_var.c_str());
  return text && *text ? load_text_list(text, "$" + env_var) : Status::ok();
}

Status KeyRing::load_text_list(std::string_view text, const std::string& source) {
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    size_t colon = item.find(':');
    if (colon == std::string_view::npos)
      return Status::invalid(source + ": expected <key id>:<64 hex digits>");
    SLUICE_RETURN_IF_ERROR(
        add(std::string(trim(item.substr(0, colon))), trim(item.substr(colon + 1)), source));
  }
  return Status::ok();
}

const Key256* KeyRing::find(const std::string& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> KeyRing::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, key] : keys_) out.push_back(id);
  return out;
}

Status seal(const Key256& key, std::string_view aad, std::string_view plain, unsigned char* nonce,
            unsigned char* tag, std::string* out) {
  if (RAND_bytes(nonce, kNonceBytes) != 1) return Status::internal("no random bytes for a nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  const size_t at = out->size();
  out->resize(at + plain.size());
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + at);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst, &n, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1) {
    return Status::internal("AES-256-GCM encryption failed");
  }
  return Status::ok();
}

Status open_sealed(const Key256& key, std::string_view aad, std::string_view cipher,
                   const unsigned char* nonce, const unsigned char* tag, std::string* out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  out->resize(cipher.size());
  auto* dst = reinterpret_cast<unsigned char*>(out->data());
  int n = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), dst, &n, reinterpret_cast<const unsigned char*>(cipher.data()),
                        static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          const_cast<unsigned char*>(tag)) != 1) {
    return Status::internal("AES-256-GCM decryption could not start");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), dst + n, &n) != 1) {
    out->clear();
    return Status::corruption("does not authenticate: wrong key, or the batch was altered");
  }
  return Status::ok();
}

}  // namespace sluice::log
