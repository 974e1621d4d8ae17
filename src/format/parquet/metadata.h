// Parquet metadata: the file footer (FileMetaData) and page headers, as plain
// structs, with their Thrift compact encoding (thrift_compact.h).
//
// Field ids and enum values are those of parquet-format's parquet.thrift. Only the
// parts sluice writes or needs to read are modelled; a reader skips the rest, so
// files from other writers (Arrow, Spark, DuckDB) parse too.
//
// File layout:  "PAR1" | column chunks (pages) | FileMetaData | u32 LE length | "PAR1"
// Page layout:  PageHeader | page body (compressed_page_size bytes)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sluice::format::parquet {

inline constexpr std::string_view kMagic = "PAR1";

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// ConvertedType values sluice writes or recognises.
enum ConvertedType : int32_t {
  kConvertedUtf8 = 0,
  kConvertedDate = 6,
  kConvertedTimestampMillis = 9,
  kConvertedTimestampMicros = 10,
  kConvertedJson = 19,
};

struct Statistics {
  std::optional<std::string> min_value;  // plain encoding of the value (no length prefix)
  std::optional<std::string> max_value;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
};

// The LogicalType union, reduced to the members sluice uses.
struct LogicalType {
  enum class Kind { kNone, kString, kTimestamp, kDate, kJson, kInteger, kOther };
  enum class TimeUnit { kMillis, kMicros, kNanos };
  Kind kind = Kind::kNone;
  bool adjusted_to_utc = true;  // kTimestamp
  TimeUnit unit = TimeUnit::kMicros;
  int32_t bit_width = 64;  // kInteger
  bool is_signed = true;
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // unset for groups
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;  // unset for the root
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  LogicalType logical;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // pages including their headers
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
};

struct KeyValue {
  std::string key;
  std::string value;
};

struct FileMetaData {
  int32_t version = 2;
  std::vector<SchemaElement> schema;  // depth-first; schema[0] is the root group
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;
  // Written as one TYPE_ORDER per leaf column, so readers trust min_value/max_value.
  bool type_defined_order = true;

  const std::string* find_metadata(std::string_view key) const;
};

struct DataPageHeader {
  int32_t num_values = 0;  // including nulls
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<uint32_t> crc;  // CRC-32 (zlib's) of the page body as stored
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

void write_file_metadata(const FileMetaData& metadata, std::string* out);
Result<FileMetaData> read_file_metadata(std::string_view bytes);

void write_page_header(const PageHeader& header, std::string* out);
// Parses the header at the start of `bytes`; *header_bytes is its encoded size.
Result<PageHeader> read_page_header(std::string_view bytes, size_t* header_bytes);

}  // namespace sluice::format::parquet
