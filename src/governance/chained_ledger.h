// ChainedLedger: an append-only, hash-chained file of JSON entries in a directory
// (ledger.jsonl and ledger.head), for records that must show any later edit: the
// lineage of every sink commit (data_dir/lineage, runtime/lineage_recorder.h) and
// the audit log (data_dir/audit, audit_log.h).
//
// Each line is {"seq":N,"prev":"<hex>","hash":"<hex>","entry":{…}}; hash is the
// SHA-256 of "<seq>\n<prev>\n<entry as written>", prev the previous line's hash
// (64 zeros for the first). So an edited entry no longer matches its hash, a deleted
// or reordered one breaks the chain at the next, and ledger.head (the last seq and
// hash, replaced atomically after every append) shows entries cut off the end.
// verify() names the first entry that breaks. A chain proves order and integrity
// against edits of the file; someone who can rewrite both files can rewrite history,
// so ship the head hash elsewhere (it is logged at every start) to anchor it.
//
// Appends are serialised by a mutex within a process and by an exclusive flock
// across processes (a pipeline and `sluice detokenize` share the audit log): under
// the lock the head is read again, so the chain continues from whoever appended
// last. Each append is fsynced before it counts.
//
// Sealed (seal_with): an entry is written as the JSON string
// "sealed:<key id>:<base64url of nonce, GCM tag and the AES-256-GCM ciphertext of the
// entry>", and the chain hashes that text. So verify() needs no key — integrity and
// order are checked on what is stored — while reading an entry (entries()) needs the
// key its id names. Plain and sealed entries may follow each other in one chain.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "log/encryption.h"

namespace sluice::governance {

class ChainedLedger {
 public:
  static constexpr const char* kFileName = "ledger.jsonl";
  static constexpr const char* kHeadName = "ledger.head";

  // Opens (creating) the ledger in `dir`; the chain continues from the last entry,
  // which must verify against the head (a damaged ledger is not appended to).
  static Result<std::unique_ptr<ChainedLedger>> open(const std::string& dir);
  ~ChainedLedger();

  // From now on, entries are sealed with `key` (named `key_id` in each).
  void seal_with(const log::Key256& key, std::string key_id);

  // Appends one entry (a JSON object); returns its sequence number.
  Result<uint64_t> append(std::string_view entry_json);

  uint64_t last_seq() const { return seq_; }
  const std::string& last_hash() const { return hash_; }

  struct Verdict {
    bool ok = true;
    uint64_t entries = 0;     // entries that verified, in order
    uint64_t broken_seq = 0;  // the first entry that did not (0 when ok)
    std::string problem;      // what is wrong with it
    std::string head_hash;    // the last verified hash
    bool torn_tail =
        false;  // the only damage: a last line cut mid-write and never counted in the head
    uint64_t valid_bytes = 0;  // the length of the verified lines
  };
  static Verdict verify(const std::string& dir);

  // Every verified entry's JSON, in order (for trace and export); stops at the first
  // break. Sealed entries are opened with `keys`; one whose key is missing, or that does
  // not authenticate, is an error that names it.
  static Result<std::vector<std::string>> entries(const std::string& dir,
                                                  const log::KeyRing& keys = {});

 private:
  ChainedLedger() = default;
  Status write_head();

  std::string dir_;
  int fd_ = -1;
  std::mutex mutex_;
  uint64_t seq_ = 0;
  std::string hash_;
  std::optional<log::Key256> seal_key_;
  std::string seal_key_id_;
};

// The SHA-256 of `text` as lower-case hex.
std::string sha256_hex(std::string_view text);

}  // namespace sluice::governance
