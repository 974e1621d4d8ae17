// libFuzzer target: bytes as log segment contents and as log records. Scanning,
// parsing and decoding must never crash or loop; a batch the log encodes must
// decode to the same records; and a batch with any byte changed must fail its
// checks or decode to exactly what was encoded, never to something else.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "format/event_codec.h"
#include "log/record_batch.h"

using namespace sluice;

namespace {

void scan_segment(std::string_view bytes, const log::KeyRing& keys) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    log::BatchHeader h;
    if (!log::parse_batch(bytes.substr(pos), &h).is_ok()) {
      pos = log::find_next_batch(bytes, pos + 1);
      if (pos == std::string_view::npos) return;
      continue;
    }
    std::string storage;
    std::vector<log::ReadRecord> records;
    if (log::decode_records(bytes.substr(pos, h.total_bytes()), h, &keys, &storage, &records).is_ok()) {
      for (const auto& r : records) {
        Arena arena;
        Value v;
        (void)format::decode_value(r.value, arena, &v);
      }
    }
    pos += h.total_bytes();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const log::KeyRing keys = [] {
    log::KeyRing k;
    (void)k.load_text_list("k:" + std::string(64, '7'), "fuzz");
    return k;
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  scan_segment(input, keys);
  if (size < 3) return 0;

  // Build a batch from the input's lines, then damage one byte of it.
  const auto codec = static_cast<log::Codec>(data[0] % 3);
  const bool encrypted = data[1] & 1;
  std::vector<std::string> values;
  std::string_view rest = input.substr(3);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    values.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (values.empty()) return 0;
  std::vector<log::Record> records;
  for (size_t i = 0; i < values.size(); ++i) records.push_back({int64_t(i) * 1000 - 5, values[i], values[i]});
  std::string bytes;
  log::BatchEncoding encoding{codec, encrypted ? keys.find("k") : nullptr, encrypted ? "k" : ""};
  if (!log::encode_batch(77, records, encoding, &bytes).is_ok()) return 0;
  for (int damaged = 0; damaged < 2; ++damaged) {
    std::string copy = bytes;
    if (damaged) copy[data[2] % copy.size()] ^= static_cast<char>(data[1] | 1);
    log::BatchHeader h;
    if (!log::parse_batch(copy, &h).is_ok()) {
      if (!damaged) std::abort();
      continue;
    }
    std::string storage;
    std::vector<log::ReadRecord> out;
    if (!log::decode_records(copy, h, &keys, &storage, &out).is_ok()) {
      if (!damaged) std::abort();
      continue;
    }
    if (out.size() != records.size()) std::abort();
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].value != records[i].value || out[i].key != records[i].key ||
          out[i].timestamp_us != records[i].timestamp_us || out[i].offset != 77 + int64_t(i)) {
        std::abort();
      }
    }
  }
  return 0;
}
