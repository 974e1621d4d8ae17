#include "format/parquet/column_chunk_writer.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "format/parquet/rle.h"

namespace sluice::format::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are copied as little-endian memory");

Codec parquet_codec(Compression c) {
  switch (c) {
    case Compression::kNone:
      return Codec::kUncompressed;
    case Compression::kSnappy:
      return Codec::kSnappy;
    case Compression::kZstd:
      return Codec::kZstd;
    case Compression::kGzip:
      return Codec::kGzip;
    case Compression::kLz4:
      return Codec::kLz4Raw;
  }
  return Codec::kUncompressed;
}

PhysicalType physical_type(ColumnType t) {
  switch (t) {
    case ColumnType::kBoolean:
      return PhysicalType::kBoolean;
    case ColumnType::kDouble:
      return PhysicalType::kDouble;
    case ColumnType::kString:
      return PhysicalType::kByteArray;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return PhysicalType::kInt64;
  }
  return PhysicalType::kInt64;
}

namespace {

std::string fixed_bytes(const void* p, size_t n) {
  return std::string(static_cast<const char*>(p), n);
}

// A string bound cut to `limit` bytes: a prefix is still a lower bound; an upper
// bound needs its last kept byte raised (impossible when all are 0xFF).
std::optional<std::string> truncated_bound(std::string_view v, size_t limit, bool upper) {
  if (v.size() <= limit) return std::string(v);
  std::string cut(v.substr(0, limit));
  if (!upper) return cut;
  while (!cut.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(cut.back());
    if (last != 0xFF) {
      ++last;
      return cut;
    }
    cut.pop_back();
  }
  return std::nullopt;
}

Statistics column_statistics(const ColumnBuffer& c, size_t statistics_max_bytes) {
  Statistics s;
  s.null_count = static_cast<int64_t>(c.rows() - c.values());
  if (c.values() == 0) return s;
  switch (c.type()) {
    case ColumnType::kBoolean: {
      const auto [lo, hi] = std::minmax_element(c.ints().begin(), c.ints().end());
      const char min = *lo ? 1 : 0, max = *hi ? 1 : 0;
      s.min_value = std::string(1, min);
      s.max_value = std::string(1, max);
      break;
    }
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: {
      const auto [lo, hi] = std::minmax_element(c.ints().begin(), c.ints().end());
      s.min_value = fixed_bytes(&*lo, 8);
      s.max_value = fixed_bytes(&*hi, 8);
      break;
    }
    case ColumnType::kDouble: {
      double lo = INFINITY, hi = -INFINITY;
      bool any = false;
      for (double d : c.doubles()) {
        if (std::isnan(d)) continue;  // NaN has no place in an order: readers ignore it
        lo = std::min(lo, d);
        hi = std::max(hi, d);
        any = true;
      }
      if (!any) break;
      // Zeros: the spec asks for -0.0 as a minimum and +0.0 as a maximum.
      if (lo == 0.0) lo = -0.0;
      if (hi == 0.0) hi = 0.0;
      s.min_value = fixed_bytes(&lo, 8);
      s.max_value = fixed_bytes(&hi, 8);
      break;
    }
    case ColumnType::kString: {
      // With a dictionary, its entries are every distinct value: far fewer to compare.
      const Dictionary* dictionary = c.dictionary();
      const bool by_dictionary = dictionary != nullptr && dictionary->size() > 0;
      const size_t n = by_dictionary ? dictionary->size() : c.values();
      const auto at = [&](size_t i) {
        return by_dictionary ? dictionary->value_bytes(static_cast<uint32_t>(i)) : c.string_at(i);
      };
      std::string_view lo = at(0), hi = lo;
      for (size_t i = 1; i < n; ++i) {
        const std::string_view v = at(i);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      s.min_value = truncated_bound(lo, statistics_max_bytes, false);
      s.max_value = truncated_bound(hi, statistics_max_bytes, true);
      break;
    }
  }
  return s;
}

void append_plain(const ColumnBuffer& c, size_t first_value, size_t end_value, std::string* out) {
  switch (c.type()) {
    case ColumnType::kBoolean: {
      uint8_t byte = 0;
      int bit = 0;
      for (size_t i = first_value; i < end_value; ++i) {
        byte |= static_cast<uint8_t>((c.ints()[i] ? 1 : 0) << bit);
        if (++bit == 8) {
          out->push_back(static_cast<char>(byte));
          byte = 0;
          bit = 0;
        }
      }
      if (bit > 0) out->push_back(static_cast<char>(byte));
      return;
    }
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      out->append(reinterpret_cast<const char*>(c.ints().data() + first_value),
                  (end_value - first_value) * 8);
      return;
    case ColumnType::kDouble:
      out->append(reinterpret_cast<const char*>(c.doubles().data() + first_value),
                  (end_value - first_value) * 8);
      return;
    case ColumnType::kString:
      for (size_t i = first_value; i < end_value; ++i) {
        const std::string_view v = c.string_at(i);
        const auto n = static_cast<uint32_t>(v.size());
        char length[4];
        std::memcpy(length, &n, 4);
        out->append(length, 4);
        out->append(v);
      }
      return;
  }
}

size_t plain_size(const ColumnBuffer& c, size_t value) {
  return c.type() == ColumnType::kString ? 4 + c.string_at(value).size() : 8;
}

struct ChunkSink {
  const ChunkOptions& options;
  int64_t file_offset;
  std::string* out;
  int64_t uncompressed_total = 0;
  std::string compressed;  // scratch, reused per page

  // Writes one page (header + compressed body); returns its file offset.
  Result<int64_t> page(PageHeader header, std::string_view body) {
    compressed.clear();
    SLUICE_RETURN_IF_ERROR(
        compress(options.compression, body, &compressed, options.compression_level));
    if (body.size() > INT32_MAX || compressed.size() > INT32_MAX)
      return Status::exhausted("page over 2 GiB");
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(compressed.size());
    header.crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(compressed.data()),
                                             static_cast<uInt>(compressed.size())));
    const int64_t at = file_offset + static_cast<int64_t>(out->size());
    const size_t before = out->size();
    write_page_header(header, out);
    const size_t header_bytes = out->size() - before;
    out->append(compressed);
    uncompressed_total += static_cast<int64_t>(header_bytes + body.size());
    return at;
  }
};

}  // namespace

Result<ColumnChunk> write_column_chunk(const ColumnBuffer& c, const std::string& name,
                                       const ChunkOptions& options, int64_t file_offset,
                                       std::string* out) {
  const size_t start = out->size();
  ChunkSink sink{options, file_offset - static_cast<int64_t>(start), out, 0, {}};
  ColumnChunk chunk;
  ColumnMetaData& m = chunk.meta_data;
  m.type = physical_type(c.type());
  m.path_in_schema = {name};
  m.codec = parquet_codec(options.compression);
  m.num_values = static_cast<int64_t>(c.rows());
  m.statistics = column_statistics(c, options.statistics_max_bytes);

  const Dictionary* dictionary = c.dictionary();
  const bool use_dictionary = dictionary != nullptr && dictionary->size() > 0 &&
                              c.dictionary_indices().size() == c.values();
  int bit_width = 0;
  std::string body;
  if (use_dictionary) {
    dictionary->encode_plain(&body);
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.dictionary_page =
        DictionaryPageHeader{static_cast<int32_t>(dictionary->size()), Encoding::kPlain};
    auto at = sink.page(h, body);
    if (!at) return at.status();
    m.dictionary_page_offset = *at;
    bit_width = bit_width_for(dictionary->size() - 1);
    m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  } else {
    m.encodings = {Encoding::kPlain, Encoding::kRle};
  }

  // Data pages: cut by plain size or row count; each carries its rows' levels.
  const auto defined = c.defined();
  size_t row = 0, value = 0;
  bool first_page = true;
  std::string levels;
  do {
    const size_t first_row = row, first_value = value;
    size_t bytes = 0;
    while (row < c.rows() && row - first_row < options.page_rows && bytes < options.page_bytes) {
      if (defined[row]) bytes += plain_size(c, value++);
      ++row;
    }
    levels.clear();
    rle_encode(defined.subspan(first_row, row - first_row), 1, &levels);
    body.clear();
    const auto levels_size = static_cast<uint32_t>(levels.size());
    char prefix[4];
    std::memcpy(prefix, &levels_size, 4);
    body.append(prefix, 4);
    body.append(levels);
    if (use_dictionary) {
      body.push_back(static_cast<char>(bit_width));
      rle_encode(c.dictionary_indices().subspan(first_value, value - first_value), bit_width,
                 &body);
    } else {
      append_plain(c, first_value, value, &body);
    }
    PageHeader h;
    h.type = PageType::kDataPage;
    h.data_page = DataPageHeader{static_cast<int32_t>(row - first_row),
                                 use_dictionary ? Encoding::kRleDictionary : Encoding::kPlain,
                                 Encoding::kRle, Encoding::kRle};
    auto at = sink.page(h, body);
    if (!at) return at.status();
    if (first_page) m.data_page_offset = *at;
    first_page = false;
  } while (row < c.rows());

  m.total_compressed_size = static_cast<int64_t>(out->size() - start);
  m.total_uncompressed_size = sink.uncompressed_total;
  chunk.file_offset = m.dictionary_page_offset.value_or(m.data_page_offset);
  return chunk;
}

}  // namespace sluice::format::parquet
