// RecordBatch: how a batch of records is framed in a segment file.
//
// Every append writes one batch. All integers are little-endian.
//
//   offset size field
//   0      4    magic            "SLB1" — lets a reader find the next batch after a corrupt one
//   4      4    length           bytes after this field: 40 + key id + crypto + stored payload
//   8      4    crc32c           CRC32C of every byte after this field to the end of the batch
//   12     8    base_offset      offset of the first record
//   20     4    record_count
//   24     8    first_timestamp  µs UTC, of the first record
//   32     8    max_timestamp    µs UTC, the largest of the batch
//   40     1    codec            0 none, 1 zstd, 2 lz4
//   41     1    encryption       0 none, 1 AES-256-GCM
//   42     1    key_id_length    0 when not encrypted
//   43     1    reserved         0
//   44     4    raw_size         payload size before compression
//   48     k    key id           key_id_length bytes
//   48+k   12   nonce            only when encrypted
//   60+k   16   tag              only when encrypted
//   …           payload          records, compressed, then encrypted
//
// Bytes 12..48+k are the AES-GCM additional data, so a header moved onto another
// batch's ciphertext does not authenticate. The CRC covers the stored (compressed,
// encrypted) bytes, so recovery verifies batches without keys.
//
// Payload (raw): per record, in offset order,
//   varint zigzag(timestamp - first_timestamp), varint key length, key,
//   varint value length, value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "log/encryption.h"
#include "log/log.h"

namespace sluice::log {

inline constexpr uint32_t kBatchMagic = 0x31424C53;  // "SLB1" read as little-endian
inline constexpr size_t kBatchHeaderBytes = 48;
inline constexpr uint32_t kMaxBatchBytes = 64u << 20;

struct BatchHeader {
  uint32_t length = 0;  // as stored; the whole batch is 8 + length bytes
  uint32_t crc = 0;
  int64_t base_offset = 0;
  uint32_t record_count = 0;
  int64_t first_timestamp_us = 0;
  int64_t max_timestamp_us = 0;
  Codec codec = Codec::kNone;
  bool encrypted = false;
  std::string key_id;
  uint32_t raw_size = 0;

  size_t total_bytes() const { return 8 + size_t(length); }
  int64_t next_offset() const { return base_offset + record_count; }
};

struct BatchEncoding {
  Codec codec = Codec::kNone;
  const Key256* key = nullptr;  // null: stored in clear
  std::string key_id;
};

// Appends one framed batch of `records` at `base_offset` to *out.
Status encode_batch(int64_t base_offset, std::span<const Record> records, const BatchEncoding& encoding,
                    std::string* out);

// Reads the fixed header at the start of `bytes` (which may be longer than the batch).
// kNotFound: fewer bytes than a header or than the length says (a torn tail);
// kCorruption: wrong magic, impossible length or a CRC that does not match.
Status parse_batch(std::string_view bytes, BatchHeader* header);

// Decodes the records of a batch that parse_batch accepted. Record views point
// into `batch_bytes` when the batch is stored plain (no codec, no encryption), so
// the caller keeps those bytes alive; otherwise into *storage, which receives the
// decrypted and decompressed payload. Needs `keys` when the batch is encrypted.
Status decode_records(std::string_view batch_bytes, const BatchHeader& header, const KeyRing* keys,
                      std::string* storage, std::vector<ReadRecord>* out);

// Finds the next position after `from` in `bytes` where a batch with a valid CRC
// starts; npos when there is none. Used to step over a corrupt batch.
size_t find_next_batch(std::string_view bytes, size_t from);

}  // namespace sluice::log
