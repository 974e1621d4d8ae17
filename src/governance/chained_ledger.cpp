#include "governance/chained_ledger.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "governance/protect.h"

namespace sluice::governance {

namespace {

const std::string kGenesis(64, '0');
constexpr std::string_view kSealedPrefix = "\"sealed:";

// `"sealed:<id>:<base64url(nonce | tag | ciphertext)>"`; the key id is authenticated.
Status seal_entry(const log::Key256& key, const std::string& id, std::string_view plain,
                  std::string* out) {
  unsigned char nonce[log::kNonceBytes], tag[log::kTagBytes];
  std::string cipher;
  SLUICE_RETURN_IF_ERROR(log::seal(key, id, plain, nonce, tag, &cipher));
  std::string bytes(reinterpret_cast<const char*>(nonce), sizeof nonce);
  bytes.append(reinterpret_cast<const char*>(tag), sizeof tag);
  bytes += cipher;
  *out = std::string(kSealedPrefix) + id + ":";
  append_base64url(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
  *out += '"';
  return Status::ok();
}

Result<std::string> open_entry(std::string_view sealed, const log::KeyRing& keys) {
  std::string_view rest = sealed.substr(kSealedPrefix.size());
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos || !rest.ends_with('"'))
    return Status::corruption("a sealed entry is damaged");
  const std::string id(rest.substr(0, colon));
  std::string bytes;
  if (!decode_base64url(rest.substr(colon + 1, rest.size() - colon - 2), &bytes) ||
      bytes.size() < log::kNonceBytes + log::kTagBytes) {
    return Status::corruption("a sealed entry is damaged");
  }
  const log::Key256* key = keys.find(id);
  if (key == nullptr) {
    return Status::invalid(
        "it is encrypted with key \"" + id +
        "\", which is not among the keys loaded (the log: section's key_file or key_env)");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(bytes.data());
  std::string plain;
  SLUICE_RETURN_IF_ERROR(
      log::open_sealed(*key, id, std::string_view(bytes).substr(log::kNonceBytes + log::kTagBytes),
                       nonce, nonce + log::kNonceBytes, &plain));
  return plain;
}

std::string chain_hash(uint64_t seq, std::string_view prev, std::string_view entry) {
  std::string text = std::to_string(seq);
  text += '\n';
  text += prev;
  text += '\n';
  text += entry;
  return sha256_hex(text);
}

std::string format_line(uint64_t seq, const std::string& prev, const std::string& hash,
                        std::string_view entry) {
  std::string line = "{\"seq\":" + std::to_string(seq) + ",\"prev\":\"" + prev + "\",\"hash\":\"" +
                     hash + "\",\"entry\":";
  line += entry;
  line += "}\n";
  return line;
}

struct Parsed {
  uint64_t seq = 0;
  std::string prev, hash;
  std::string_view entry;
};

// The fixed layout format_line() writes; anything else is damage.
bool parse_line(std::string_view line, Parsed* out) {
  constexpr std::string_view kSeq = "{\"seq\":";
  if (!line.starts_with(kSeq) || !line.ends_with("}")) return false;
  size_t at = kSeq.size();
  uint64_t seq = 0;
  size_t digits = 0;
  while (at < line.size() && line[at] >= '0' && line[at] <= '9' && digits < 20) {
    seq = seq * 10 + static_cast<uint64_t>(line[at++] - '0');
    ++digits;
  }
  if (digits == 0) return false;
  auto field = [&](std::string_view name, std::string* value) {
    const std::string key = ",\"" + std::string(name) + "\":\"";
    if (line.substr(at, key.size()) != key) return false;
    at += key.size();
    if (at + 64 > line.size() || line[at + 64] != '"') return false;
    *value = std::string(line.substr(at, 64));
    at += 65;
    return true;
  };
  if (!field("prev", &out->prev) || !field("hash", &out->hash)) return false;
  constexpr std::string_view kEntry = ",\"entry\":";
  if (line.substr(at, kEntry.size()) != kEntry) return false;
  out->seq = seq;
  out->entry = line.substr(at + kEntry.size(), line.size() - 1 - at - kEntry.size());
  return !out->entry.empty();
}

Status fsync_fd(int fd, const std::string& what) {
  if (::fsync(fd) != 0) return Status::io_error(what + ": fsync: " + std::strerror(errno));
  return Status::ok();
}

// Reads ledger.head: "<seq> <hash>"; seq 0 when there is none.
bool read_head(const std::string& dir, uint64_t* seq, std::string* hash) {
  std::ifstream in(dir + "/" + ChainedLedger::kHeadName);
  *seq = 0;
  hash->clear();
  if (!in) return false;
  in >> *seq >> *hash;
  return static_cast<bool>(in) || in.eof();
}

// Walks the ledger: every line in order, checking layout, sequence, chain and hash;
// `visit` sees each verified entry.
template <typename Visit>
ChainedLedger::Verdict walk(const std::string& dir, Visit visit) {
  ChainedLedger::Verdict v;
  v.head_hash = kGenesis;
  std::ifstream in(dir + "/" + ChainedLedger::kFileName, std::ios::binary);
  uint64_t head_seq = 0;
  std::string head_hash;
  const bool has_head = read_head(dir, &head_seq, &head_hash);
  if (!in) {
    if (has_head && head_seq > 0) {
      v.ok = false;
      v.broken_seq = 1;
      v.problem = "the ledger file is missing, but its head records " + std::to_string(head_seq) +
                  " entries";
    }
    return v;
  }
  std::string line;
  std::string prev = kGenesis;
  uint64_t expected = 1;
  bool complete_last = true;
  while (std::getline(in, line)) {
    complete_last = !in.eof();  // a last line without its newline was cut mid-write
    Parsed p;
    if (!complete_last && (!has_head || head_seq <= v.entries)) {
      // A last line without its newline that the head never counted: an append a
      // crash cut short, never acknowledged.
      v.ok = false;
      v.broken_seq = expected;
      v.torn_tail = true;
      v.problem = "the last entry was cut off mid-write";
      return v;
    }
    auto broken = [&](std::string problem) {
      v.ok = false;
      v.broken_seq = expected;
      v.problem = std::move(problem);
      return v;
    };
    if (!parse_line(line, &p))
      return broken("line " + std::to_string(expected) + " is not a ledger entry (damaged)");
    if (p.seq != expected) {
      return broken(p.seq > expected
                        ? "entries " + std::to_string(expected) + "-" + std::to_string(p.seq - 1) +
                              " are missing (deleted?); found " + std::to_string(p.seq)
                        : "entry " + std::to_string(p.seq) + " appears again or out of order");
    }
    if (p.prev != prev)
      return broken(
          "its link to the previous entry does not match (an entry before it was changed, removed "
          "or moved)");
    if (chain_hash(p.seq, p.prev, p.entry) != p.hash)
      return broken("its content does not match its hash (edited)");
    if (!complete_last) {
      v.torn_tail = !has_head || head_seq <= v.entries;
      return broken("the last entry was cut off mid-write");
    }
    visit(p.entry);
    v.valid_bytes += line.size() + 1;
    prev = p.hash;
    v.entries = p.seq;
    v.head_hash = p.hash;
    ++expected;
  }
  if (has_head && head_seq > v.entries) {
    v.ok = false;
    v.broken_seq = v.entries + 1;
    v.problem = "entries " + std::to_string(v.entries + 1) + "-" + std::to_string(head_seq) +
                " were cut off the end (the head records " + std::to_string(head_seq) + ")";
  } else if (has_head && head_seq == v.entries && head_seq > 0 && head_hash != v.head_hash) {
    v.ok = false;
    v.broken_seq = v.entries;
    v.problem = "the last entry is not the one the head records (replaced)";
  }
  return v;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[32];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<std::unique_ptr<ChainedLedger>> ChainedLedger::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("ledger: cannot create " + dir + ": " + ec.message());
  Verdict v = verify(dir);
  if (!v.ok && v.torn_tail) {
    // A crash during an append: the torn line was never part of the chain.
    std::error_code trunc_ec;
    std::filesystem::resize_file(dir + "/" + kFileName, v.valid_bytes, trunc_ec);
    if (trunc_ec)
      return Status::io_error("ledger: cannot cut a torn last line: " + trunc_ec.message());
    v = verify(dir);
  }
  if (!v.ok) {
    return Status::corruption(
        "ledger " + dir + "/" + kFileName + ": entry " + std::to_string(v.broken_seq) + ": " +
        v.problem + "; not appending to a broken chain (move it aside to start a new one)");
  }
  std::unique_ptr<ChainedLedger> l(new ChainedLedger());
  l->dir_ = dir;
  l->seq_ = v.entries;
  l->hash_ = v.head_hash;
  const std::string path = dir + "/" + kFileName;
  l->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (l->fd_ < 0)
    return Status::io_error("ledger: cannot open " + path + ": " + std::strerror(errno));
  return l;
}

ChainedLedger::~ChainedLedger() {
  if (fd_ >= 0) ::close(fd_);
}

Result<uint64_t> ChainedLedger::append(std::string_view entry_json) {
  std::lock_guard lock(mutex_);
  if (::flock(fd_, LOCK_EX) != 0) {
    return Status::io_error("ledger " + dir_ +
                            ": cannot lock: " + std::string(std::strerror(errno)));
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::flock(fd, LOCK_UN); }
  } unlock{fd_};
  // Another process may have appended since: its head is where the chain goes on.
  uint64_t head_seq = 0;
  std::string head_hash;
  if (read_head(dir_, &head_seq, &head_hash) && head_seq > seq_ && head_hash.size() == 64) {
    seq_ = head_seq;
    hash_ = head_hash;
  }
  const uint64_t seq = seq_ + 1;
  std::string sealed;
  if (seal_key_) {
    SLUICE_RETURN_IF_ERROR(seal_entry(*seal_key_, seal_key_id_, entry_json, &sealed));
    entry_json = sealed;
  }
  const std::string hash = chain_hash(seq, hash_, entry_json);
  const std::string line = format_line(seq, hash_, hash, entry_json);
  const std::string path = dir_ + "/" + kFileName;
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    // A part of the line may be there (disk full): cut it off, so the chain stays
    // whole and the next append can succeed. If even that fails, verify() reports it.
    const int err = errno;
    if (before >= 0 && ::ftruncate(fd_, before) != 0) {
    }
    return Status::io_error("ledger: cannot append to " + path + ": " +
                            std::strerror(err ? err : EIO));
  }
  SLUICE_RETURN_IF_ERROR(fsync_fd(fd_, path));
  seq_ = seq;
  hash_ = hash;
  SLUICE_RETURN_IF_ERROR(write_head());
  return seq;
}

Status ChainedLedger::write_head() {
  const std::string tmp = dir_ + "/" + kHeadName + ".tmp";
  const std::string text = std::to_string(seq_) + " " + hash_ + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io_error("ledger: cannot write " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  Status s = written ? fsync_fd(fd, tmp) : Status::io_error("ledger: cannot write " + tmp);
  ::close(fd);
  if (!s.is_ok()) return s;
  if (::rename(tmp.c_str(), (dir_ + "/" + kHeadName).c_str()) != 0) {
    return Status::io_error("ledger: cannot replace the head: " +
                            std::string(std::strerror(errno)));
  }
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

ChainedLedger::Verdict ChainedLedger::verify(const std::string& dir) {
  return walk(dir, [](std::string_view) {});
}

void ChainedLedger::seal_with(const log::Key256& key, std::string key_id) {
  std::lock_guard lock(mutex_);
  seal_key_ = key;
  seal_key_id_ = std::move(key_id);
}

Result<std::vector<std::string>> ChainedLedger::entries(const std::string& dir,
                                                        const log::KeyRing& keys) {
  std::vector<std::string> out;
  Status unsealed;
  const Verdict v = walk(dir, [&](std::string_view entry) {
    if (!unsealed.is_ok()) return;
    if (!entry.starts_with(kSealedPrefix)) {
      out.emplace_back(entry);
      return;
    }
    auto plain = open_entry(entry, keys);
    if (!plain) {
      unsealed = plain.status().with_context("ledger " + dir + ": entry " +
                                             std::to_string(out.size() + 1));
      return;
    }
    out.push_back(std::move(plain).value());
  });
  SLUICE_RETURN_IF_ERROR(unsealed);
  if (!v.ok) {
    return Status::corruption("ledger " + dir + ": entry " + std::to_string(v.broken_seq) + ": " +
                              v.problem);
  }
  return out;
}

}  // namespace sluice::governance
