#include "log/record_batch.h"

#include <cstring>

#include "core/varint.h"
#include "log/compression.h"
#include "log/crc32c.h"

namespace sluice::log {
namespace {

template <typename T>
void put(std::string* out, size_t at, T v) {
  std::memcpy(out->data() + at, &v, sizeof v);
}
template <typename T>
T get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

size_t crypto_bytes(bool encrypted) { return encrypted ? kNonceBytes + kTagBytes : 0; }

}  // namespace

Status encode_batch(int64_t base_offset, std::span<const Record> records, const BatchEncoding& encoding,
                    std::string* out) {
  if (records.empty()) return Status::invalid("a batch needs at least one record");
  const int64_t first_ts = records.front().timestamp_us;
  int64_t max_ts = first_ts;
  size_t raw_bytes = 0;
  for (const Record& r : records) {
    max_ts = std::max(max_ts, r.timestamp_us);
    raw_bytes += r.key.size() + r.value.size() + 3 * 10;
  }
  if (raw_bytes > kMaxBatchBytes) {
    return Status::exhausted("batch of about " + std::to_string(raw_bytes) + " bytes is over the limit of " +
                             std::to_string(kMaxBatchBytes));
  }
  auto append_records = [&](std::string* dst) {
    for (const Record& r : records) {
      put_varint(zigzag(r.timestamp_us - first_ts), dst);
      put_varint(r.key.size(), dst);
      dst->append(r.key);
      put_varint(r.value.size(), dst);
      dst->append(r.value);
    }
  };
  const bool encrypted = encoding.key != nullptr;
  const bool plain = !encrypted && encoding.codec == Codec::kNone;
  // A plain batch is built in place; others need the raw payload first.
  thread_local std::string raw;
  raw.clear();
  if (!plain) append_records(&raw);
  const size_t start = out->size();
  const size_t key_id_bytes = encrypted ? encoding.key_id.size() : 0;
  const size_t payload_at = start + kBatchHeaderBytes + key_id_bytes + crypto_bytes(encrypted);
  out->resize(payload_at);
  put<uint32_t>(out, start + 0, kBatchMagic);
  put<int64_t>(out, start + 12, base_offset);
  put<uint32_t>(out, start + 20, static_cast<uint32_t>(records.size()));
  put<int64_t>(out, start + 24, first_ts);
  put<int64_t>(out, start + 32, max_ts);
  (*out)[start + 40] = static_cast<char>(encoding.codec);
  (*out)[start + 41] = encrypted ? 1 : 0;
  (*out)[start + 42] = static_cast<char>(key_id_bytes);
  (*out)[start + 43] = 0;
  if (encrypted) std::memcpy(out->data() + start + kBatchHeaderBytes, encoding.key_id.data(), key_id_bytes);

  if (plain) {
    out->reserve(out->size() + raw_bytes);
    append_records(out);
    put<uint32_t>(out, start + 44, static_cast<uint32_t>(out->size() - payload_at));
  } else if (!encrypted) {
    put<uint32_t>(out, start + 44, static_cast<uint32_t>(raw.size()));
    SLUICE_RETURN_IF_ERROR(compress(encoding.codec, raw, out));
  } else {
    put<uint32_t>(out, start + 44, static_cast<uint32_t>(raw.size()));
    thread_local std::string compressed;
    compressed.clear();
    SLUICE_RETURN_IF_ERROR(compress(encoding.codec, raw, &compressed));
    unsigned char nonce[kNonceBytes], tag[kTagBytes];
    // The AAD is the header from base_offset through the key id: copy it, as *out may reallocate.
    std::string aad(out->data() + start + 12, kBatchHeaderBytes - 12 + key_id_bytes);
    SLUICE_RETURN_IF_ERROR(seal(*encoding.key, aad, compressed, nonce, tag, out));
    std::memcpy(out->data() + start + kBatchHeaderBytes + key_id_bytes, nonce, kNonceBytes);
    std::memcpy(out->data() + start + kBatchHeaderBytes + key_id_bytes + kNonceBytes, tag, kTagBytes);
  }
  put<uint32_t>(out, start + 4, static_cast<uint32_t>(out->size() - start - 8));
  put<uint32_t>(out, start + 8, crc32c(out->data() + start + 12, out->size() - start - 12));
  return Status::ok();
}

Status parse_batch(std::string_view bytes, BatchHeader* h) {
  if (bytes.size() < kBatchHeaderBytes) return Status::not_found("batch header cut short");
  const char* p = bytes.data();
  if (get<uint32_t>(p) != kBatchMagic) return Status::corruption("no batch marker");
  h->length = get<uint32_t>(p + 4);
  if (h->length < kBatchHeaderBytes - 8 || h->length > kMaxBatchBytes + 4096) {
    return Status::corruption("impossible batch length " + std::to_string(h->length));
  }
  if (bytes.size() < h->total_bytes()) return Status::not_found("batch cut short");
  h->crc = get<uint32_t>(p + 8);
  if (crc32c(p + 12, h->total_bytes() - 12) != h->crc) return Status::corruption("checksum mismatch");
  h->base_offset = get<int64_t>(p + 12);
  h->record_count = get<uint32_t>(p + 20);
  h->first_timestamp_us = get<int64_t>(p + 24);
  h->max_timestamp_us = get<int64_t>(p + 32);
  const uint8_t codec = static_cast<uint8_t>(p[40]);
  if (codec > static_cast<uint8_t>(Codec::kLz4)) return Status::corruption("unknown codec " + std::to_string(codec));
  h->codec = static_cast<Codec>(codec);
  h->encrypted = p[41] != 0;
  const size_t key_id_bytes = static_cast<uint8_t>(p[42]);
  h->raw_size = get<uint32_t>(p + 44);
  if (kBatchHeaderBytes + key_id_bytes + crypto_bytes(h->encrypted) > h->total_bytes() || h->record_count == 0 ||
      h->base_offset < 0) {
    return Status::corruption("inconsistent batch header");
  }
  h->key_id.assign(p + kBatchHeaderBytes, key_id_bytes);
  return Status::ok();
}

Status decode_records(std::string_view batch, const BatchHeader& h, const KeyRing* keys, std::string* storage,
                      std::vector<ReadRecord>* out) {
  const size_t key_id_bytes = h.key_id.size();
  const size_t payload_at = kBatchHeaderBytes + key_id_bytes + crypto_bytes(h.encrypted);
  std::string_view stored = batch.substr(payload_at, h.total_bytes() - payload_at);
  thread_local std::string decrypted;
  if (h.encrypted) {
    const Key256* key = keys ? keys->find(h.key_id) : nullptr;
    if (key == nullptr) {
      return Status::not_found("batch at offset " + std::to_string(h.base_offset) + " is encrypted with key \"" +
                               h.key_id + "\", which is not loaded (give it in the key file or the key variable)");
    }
    const auto* nonce = reinterpret_cast<const unsigned char*>(batch.data() + kBatchHeaderBytes + key_id_bytes);
    Status s = open_sealed(*key, batch.substr(12, kBatchHeaderBytes - 12 + key_id_bytes), stored, nonce,
                           nonce + kNonceBytes, &decrypted);
    if (!s.is_ok()) {
      return s.with_context("batch at offset " + std::to_string(h.base_offset) + " with key \"" + h.key_id + "\"");
    }
    stored = decrypted;
  }
  std::string_view raw = stored;
  if (h.codec != Codec::kNone) {
    SLUICE_RETURN_IF_ERROR(decompress(h.codec, stored, h.raw_size, storage));
    raw = *storage;
  } else if (stored.size() != h.raw_size) {
    return Status::corruption("stored size differs from the recorded size");
  } else if (h.encrypted) {
    storage->assign(stored);  // `decrypted` is reused by the next batch
    raw = *storage;
  }
  const char* p = raw.data();
  const char* end = p + raw.size();
  out->reserve(out->size() + h.record_count);
  for (uint32_t i = 0; i < h.record_count; ++i) {
    uint64_t ts, key_len, value_len;
    ReadRecord r;
    r.offset = h.base_offset + i;
    if (!get_varint(p, end, &ts) || !get_varint(p, end, &key_len) || key_len > uint64_t(end - p)) {
      return Status::corruption("record " + std::to_string(r.offset) + " cut short");
    }
    r.timestamp_us = h.first_timestamp_us + unzigzag(ts);
    r.key = std::string_view(p, key_len);
    p += key_len;
    if (!get_varint(p, end, &value_len) || value_len > uint64_t(end - p)) {
      return Status::corruption("record " + std::to_string(r.offset) + " cut short");
    }
    r.value = std::string_view(p, value_len);
    p += value_len;
    out->push_back(r);
  }
  if (p != end) return Status::corruption("bytes after the last record of the batch");
  return Status::ok();
}

size_t find_next_batch(std::string_view bytes, size_t from) {
  static constexpr char kMagic[4] = {'S', 'L', 'B', '1'};
  for (size_t pos = from; pos + kBatchHeaderBytes <= bytes.size(); ++pos) {
    pos = bytes.find(std::string_view(kMagic, 4), pos);
    if (pos == std::string_view::npos) return std::string_view::npos;
    BatchHeader h;
    if (parse_batch(bytes.substr(pos), &h).is_ok()) return pos;
  }
  return std::string_view::npos;
}

}  // namespace sluice::log
