// libFuzzer target: bytes as a Parquet file, as a column chunk, as a footer and as
// RLE data. Reading must never crash, hang or allocate without bound: a damaged or
// hostile file is an error naming what is wrong. Seeds: small lake files.
#include <cstdint>
#include <string>

#include "format/parquet/file_reader.h"
#include "format/parquet/metadata.h"
#include "format/parquet/page_decoder.h"
#include "format/parquet/rle.h"

using namespace sluice::format::parquet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto reader = FileReader::from_bytes(bytes); reader) {
    for (size_t g = 0; g < (*reader)->row_groups() && g < 16; ++g) {
      for (size_t c = 0; c < (*reader)->columns().size() && c < 64; ++c)
        (void)(*reader)->read_column(g, c);
    }
  }
  (void)read_file_metadata(bytes);
  if (size > 2) {
    // The same bytes as one column chunk of each kind of column (no CRC needed there).
    const auto rows = static_cast<int64_t>(static_cast<uint8_t>(bytes[0]) * 64);
    for (PhysicalType physical :
         {PhysicalType::kBoolean, PhysicalType::kInt32, PhysicalType::kInt64, PhysicalType::kInt96,
          PhysicalType::kDouble, PhysicalType::kByteArray}) {
      ColumnInfo column;
      column.name = "c";
      column.physical = physical;
      column.type = physical == PhysicalType::kByteArray ? ColumnType::kString
                    : physical == PhysicalType::kDouble  ? ColumnType::kDouble
                    : physical == PhysicalType::kBoolean ? ColumnType::kBoolean
                                                         : ColumnType::kInt64;
      column.required = (bytes[1] & 1) != 0;
      (void)decode_column_chunk(column, (bytes[1] & 2) ? Codec::kSnappy : Codec::kUncompressed,
                                rows, bytes.substr(2));
    }
    std::vector<uint32_t> values;
    (void)rle_decode(bytes.substr(1), bytes[0] % 34, static_cast<size_t>(rows), &values);
  }
  return 0;
}
