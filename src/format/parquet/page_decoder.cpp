#include "format/parquet/page_decoder.h"

#include <zlib.h>

#include <cstring>
#include <vector>

#include "format/compression.h"
#include "format/parquet/rle.h"

namespace sluice::format::parquet {

namespace {

// A decompressed page may not claim more than this (a hostile header could ask for any size).
constexpr int32_t kMaxPageBytes = 256 << 20;
// What one column chunk may decode to: a dictionary string repeated by a few bytes
// of RLE could otherwise ask for any amount of memory.
constexpr size_t kMaxChunkBytes = size_t{1} << 30;
constexpr int64_t kJulianDayOfUnixEpoch = 2440588;
constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

Result<Compression> compression_of(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return Compression::kNone;
    case Codec::kSnappy:
      return Compression::kSnappy;
    case Codec::kGzip:
      return Compression::kGzip;
    case Codec::kZstd:
      return Compression::kZstd;
    case Codec::kLz4Raw:
      return Compression::kLz4;
    default:
      return Status::invalid("compression codec " + std::to_string(static_cast<int>(codec)) +
                             " is not supported");
  }
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnInfo& column, ColumnBuffer* out) : column_(column), out_(out) {}

  Status dictionary_page(std::string_view body, int32_t count) {
    if (count < 0) return Status::corruption("negative dictionary size");
    dictionary_storage_.assign(body);
    dict_ints_.clear();
    dict_doubles_.clear();
    dict_strings_.clear();
    const char* p = dictionary_storage_.data();
    const char* end = p + dictionary_storage_.size();
    for (int32_t i = 0; i < count; ++i) {
      Status s = plain_value(
          p, end, [&](int64_t v) { dict_ints_.push_back(v); },
          [&](double v) { dict_doubles_.push_back(v); },
          [&](std::string_view v) { dict_strings_.push_back(v); });
      if (!s.is_ok()) return s.with_context("dictionary page");
    }
    has_dictionary_ = true;
    dictionary_size_ = static_cast<size_t>(count);
    return Status::ok();
  }

  // `levels`: the definition levels (already without v1's length prefix), or empty
  // for a REQUIRED column; `values`: the value section.
  Status data_page(int32_t num_values, Encoding encoding, std::string_view levels,
                   std::string_view values) {
    if (num_values < 0) return Status::corruption("negative value count");
    size_t present = static_cast<size_t>(num_values);
    if (!column_.required) {
      SLUICE_RETURN_IF_ERROR(rle_decode(levels, 1, static_cast<size_t>(num_values), &levels_));
      present = 0;
      for (uint32_t l : levels_) {
        if (l > 1) return Status::corruption("definition level above 1");
        present += l;
      }
    }
    // Values first into a staging area, then interleaved with nulls in row order.
    staged_ints_.clear();
    staged_doubles_.clear();
    staged_strings_.clear();
    if (encoding == Encoding::kPlain) {
      const char* p = values.data();
      const char* end = p + values.size();
      if (column_.physical == PhysicalType::kBoolean) {
        if (values.size() * 8 < present) return Status::corruption("boolean page ends early");
        for (size_t i = 0; i < present; ++i)
          staged_ints_.push_back((static_cast<uint8_t>(values[i / 8]) >> (i % 8)) & 1);
      } else {
        for (size_t i = 0; i < present; ++i) {
          Status s = plain_value(
              p, end, [&](int64_t v) { staged_ints_.push_back(v); },
              [&](double v) { staged_doubles_.push_back(v); },
              [&](std::string_view v) { staged_strings_.push_back(v); });
          if (!s.is_ok()) return s;
        }
      }
    } else if (encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary) {
      if (!has_dictionary_)
        return Status::corruption("dictionary-encoded page without a dictionary page");
      if (values.empty()) {
        if (present > 0) return Status::corruption("dictionary page data missing");
      } else {
        const int bit_width = static_cast<uint8_t>(values[0]);
        SLUICE_RETURN_IF_ERROR(rle_decode(values.substr(1), bit_width, present, &indices_));
        for (uint32_t index : indices_) {
          if (index >= dictionary_size_) return Status::corruption("dictionary index out of range");
          if (!dict_strings_.empty())
            staged_strings_.push_back(dict_strings_[index]);
          else if (!dict_doubles_.empty())
            staged_doubles_.push_back(dict_doubles_[index]);
          else
            staged_ints_.push_back(dict_ints_[index]);
        }
      }
    } else if (encoding == Encoding::kRle && column_.physical == PhysicalType::kBoolean) {
      if (values.size() < 4) return Status::corruption("RLE boolean page without its length");
      const uint32_t length = load<uint32_t>(values.data());
      if (length > values.size() - 4) return Status::corruption("RLE boolean length past the page");
      SLUICE_RETURN_IF_ERROR(rle_decode(values.substr(4, length), 1, present, &indices_));
      for (uint32_t v : indices_) staged_ints_.push_back(v);
    } else {
      return Status::invalid("encoding " + std::to_string(static_cast<int>(encoding)) +
                             " is not supported");
    }
    size_t next = 0;
    for (int32_t i = 0; i < num_values; ++i) {
      if (!column_.required && levels_[static_cast<size_t>(i)] == 0) {
        out_->append_null();
        continue;
      }
      if (out_->type() == ColumnType::kString) {
        decoded_bytes_ += staged_strings_[next].size();
        if (decoded_bytes_ > kMaxChunkBytes) return Status::invalid("column chunk decodes to over 1 GiB of text");
        out_->append_string(staged_strings_[next]);
      } else if (out_->type() == ColumnType::kDouble) {
        out_->append_double(staged_doubles_[next]);
      } else {
        out_->append_int(staged_ints_[next]);
      }
      ++next;
    }
    return Status::ok();
  }

 private:
  // Reads one PLAIN value of the column's physical type at p, converted to the
  // column's sluice type, and hands it to the matching callback.
  template <typename OnInt, typename OnDouble, typename OnString>
  Status plain_value(const char*& p, const char* end, OnInt&& on_int, OnDouble&& on_double,
                     OnString&& on_string) {
    const auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
    switch (column_.physical) {
      case PhysicalType::kBoolean:
        if (!need(1)) return Status::corruption("value past the page");
        on_int(*p++ ? 1 : 0);  // a dictionary of booleans: one byte each (never written, tolerated)
        return Status::ok();
      case PhysicalType::kInt32: {
        if (!need(4)) return Status::corruption("value past the page");
        const int64_t raw = load<int32_t>(p);
        p += 4;
        if (column_.logical.kind == LogicalType::Kind::kDate ||
            column_.converted_type == kConvertedDate) {
          int64_t us;
          if (__builtin_mul_overflow(raw, kMicrosPerDay, &us)) return Status::corruption("date out of range");
          on_int(us);
        } else {
          on_int(raw);
        }
        return Status::ok();
      }
      case PhysicalType::kInt64: {
        if (!need(8)) return Status::corruption("value past the page");
        int64_t v = load<int64_t>(p);
        p += 8;
        if (column_.type == ColumnType::kTimestamp) {
          const bool millis = column_.logical.kind == LogicalType::Kind::kTimestamp
                                  ? column_.logical.unit == LogicalType::TimeUnit::kMillis
                                  : column_.converted_type == kConvertedTimestampMillis;
          const bool nanos = column_.logical.kind == LogicalType::Kind::kTimestamp &&
                             column_.logical.unit == LogicalType::TimeUnit::kNanos;
          if (millis && __builtin_mul_overflow(v, int64_t{1000}, &v))
            return Status::corruption("timestamp out of range");
          if (nanos) v = v / 1000 - (v % 1000 < 0 ? 1 : 0);
        }
        on_int(v);
        return Status::ok();
      }
      case PhysicalType::kInt96: {
        if (!need(12)) return Status::corruption("value past the page");
        const auto nanos_of_day = load<int64_t>(p);
        const int64_t julian_day = load<uint32_t>(p + 8);
        p += 12;
        int64_t us;
        if (__builtin_mul_overflow(julian_day - kJulianDayOfUnixEpoch, kMicrosPerDay, &us) ||
            __builtin_add_overflow(us, nanos_of_day / 1000, &us)) {
          return Status::corruption("timestamp out of range");
        }
        on_int(us);
        return Status::ok();
      }
      case PhysicalType::kFloat:
        if (!need(4)) return Status::corruption("value past the page");
        on_double(static_cast<double>(load<float>(p)));
        p += 4;
        return Status::ok();
      case PhysicalType::kDouble:
        if (!need(8)) return Status::corruption("value past the page");
        on_double(load<double>(p));
        p += 8;
        return Status::ok();
      case PhysicalType::kByteArray: {
        if (!need(4)) return Status::corruption("value past the page");
        const uint32_t n = load<uint32_t>(p);
        p += 4;
        if (!need(n)) return Status::corruption("string past the page");
        on_string(std::string_view(p, n));
        p += n;
        return Status::ok();
      }
      case PhysicalType::kFixedLenByteArray:
        break;
    }
    return Status::invalid("physical type is not supported");
  }

  const ColumnInfo& column_;
  ColumnBuffer* out_;
  size_t decoded_bytes_ = 0;
  bool has_dictionary_ = false;
  size_t dictionary_size_ = 0;
  std::string dictionary_storage_;
  std::vector<int64_t> dict_ints_;
  std::vector<double> dict_doubles_;
  std::vector<std::string_view> dict_strings_;
  std::vector<uint32_t> levels_, indices_;
  std::vector<int64_t> staged_ints_;
  std::vector<double> staged_doubles_;
  std::vector<std::string_view> staged_strings_;
};

}  // namespace

Result<ColumnBuffer> decode_column_chunk(const ColumnInfo& column, Codec codec, int64_t num_values,
                                         std::string_view chunk) {
  auto compression = compression_of(codec);
  if (!compression) return compression.status();
  ColumnBuffer out(column.type, 0);
  ChunkDecoder decoder(column, &out);
  std::string page;  // decompressed body, reused
  size_t pos = 0;
  while (static_cast<int64_t>(out.rows()) < num_values) {
    if (pos >= chunk.size()) {
      return Status::corruption("column chunk ends after " + std::to_string(out.rows()) + " of " +
                                std::to_string(num_values) + " values");
    }
    size_t header_bytes = 0;
    auto header = read_page_header(chunk.substr(pos), &header_bytes);
    if (!header) return header.status();
    pos += header_bytes;
    if (static_cast<size_t>(header->compressed_page_size) > chunk.size() - pos) {
      return Status::corruption("page body past the end of its column chunk");
    }
    if (header->uncompressed_page_size > kMaxPageBytes)
      return Status::corruption("page claims over 1 GiB");
    const std::string_view stored =
        chunk.substr(pos, static_cast<size_t>(header->compressed_page_size));
    pos += stored.size();
    if (header->crc) {
      const auto crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(stored.data()),
                                                   static_cast<uInt>(stored.size())));
      if (crc != *header->crc) return Status::corruption("page checksum mismatch");
    }
    const auto raw_size = static_cast<size_t>(header->uncompressed_page_size);
    // A page may not claim more values than its chunk has rows left.
    const int64_t left = num_values - static_cast<int64_t>(out.rows());
    const int32_t claimed = header->data_page      ? header->data_page->num_values
                            : header->data_page_v2 ? header->data_page_v2->num_values
                                                   : 0;
    if (claimed > left) {
      return Status::corruption("a page claims " + std::to_string(claimed) +
                                " values, its chunk has " + std::to_string(left) + " rows left");
    }
    switch (header->type) {
      case PageType::kDictionaryPage: {
        if (!header->dictionary_page)
          return Status::corruption("dictionary page without its header");
        SLUICE_RETURN_IF_ERROR(decompress(*compression, stored, raw_size, &page));
        SLUICE_RETURN_IF_ERROR(decoder.dictionary_page(page, header->dictionary_page->num_values));
        break;
      }
      case PageType::kDataPage: {
        if (!header->data_page) return Status::corruption("data page without its header");
        SLUICE_RETURN_IF_ERROR(decompress(*compression, stored, raw_size, &page));
        std::string_view body(page);
        std::string_view levels;
        if (!column.required) {
          if (body.size() < 4) return Status::corruption("data page too short for its levels");
          const uint32_t length = load<uint32_t>(body.data());
          if (length > body.size() - 4)
            return Status::corruption("definition levels past the page");
          levels = body.substr(4, length);
          body.remove_prefix(4 + length);
        }
        SLUICE_RETURN_IF_ERROR(decoder.data_page(header->data_page->num_values,
                                                 header->data_page->encoding, levels, body));
        break;
      }
      case PageType::kDataPageV2: {
        if (!header->data_page_v2) return Status::corruption("data page v2 without its header");
        const DataPageHeaderV2& v2 = *header->data_page_v2;
        if (v2.repetition_levels_byte_length != 0)
          return Status::invalid("repeated columns are not supported");
        if (v2.definition_levels_byte_length < 0 ||
            static_cast<size_t>(v2.definition_levels_byte_length) > stored.size()) {
          return Status::corruption("definition levels past the page");
        }
        const auto levels_size = static_cast<size_t>(v2.definition_levels_byte_length);
        const std::string_view levels = stored.substr(0, levels_size);
        const std::string_view rest = stored.substr(levels_size);
        std::string_view values = rest;
        if (v2.is_compressed && *compression != Compression::kNone) {
          if (raw_size < levels_size) return Status::corruption("page v2 sizes disagree");
          SLUICE_RETURN_IF_ERROR(decompress(*compression, rest, raw_size - levels_size, &page));
          values = page;
        }
        SLUICE_RETURN_IF_ERROR(decoder.data_page(
            v2.num_values, v2.encoding, column.required ? std::string_view() : levels, values));
        break;
      }
      default:
        break;  // index pages and unknown page types are skipped
    }
  }
  if (static_cast<int64_t>(out.rows()) != num_values)
    return Status::corruption("pages hold more values than the metadata says");
  return out;
}

}  // namespace sluice::format::parquet
