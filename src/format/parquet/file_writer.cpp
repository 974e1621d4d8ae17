#include "format/parquet/file_writer.h"

#include <cstring>

namespace sluice::format::parquet {

std::vector<SchemaElement> schema_elements(const std::vector<ColumnSpec>& columns) {
  std::vector<SchemaElement> elements;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(columns.size());
  elements.push_back(root);
  for (const ColumnSpec& c : columns) {
    SchemaElement e;
    e.name = c.name;
    e.type = physical_type(c.type);
    e.repetition = Repetition::kOptional;
    if (c.type == ColumnType::kString) {
      e.converted_type = kConvertedUtf8;
      e.logical.kind = LogicalType::Kind::kString;
    } else if (c.type == ColumnType::kTimestamp) {
      e.converted_type = kConvertedTimestampMicros;
      e.logical.kind = LogicalType::Kind::kTimestamp;
      e.logical.adjusted_to_utc = true;
      e.logical.unit = LogicalType::TimeUnit::kMicros;
    }
    elements.push_back(std::move(e));
  }
  return elements;
}

FileWriter::FileWriter(std::vector<ColumnSpec> schema, ChunkOptions options)
    : schema_(std::move(schema)), options_(options) {}

void FileWriter::begin(std::string* out) {
  out->append(kMagic);
  offset_ = static_cast<int64_t>(kMagic.size());
}

Status FileWriter::encode_row_group(std::span<const ColumnBuffer> columns, size_t rows,
                                    std::string* out) {
  if (columns.size() != schema_.size())
    return Status::internal("row group does not match the file's schema");
  RowGroup group;
  group.num_rows = static_cast<int64_t>(rows);
  group.file_offset = offset_;
  const size_t start = out->size();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].rows() != rows || columns[i].type() != schema_[i].type) {
      out->resize(start);  // nothing of a row group that is not whole
      return Status::internal("column \"" + schema_[i].name + "\" does not match its row group");
    }
    auto chunk = write_column_chunk(columns[i], schema_[i].name, options_,
                                    offset_ + static_cast<int64_t>(out->size() - start), out);
    if (!chunk) {
      out->resize(start);
      return chunk.status().with_context("column \"" + schema_[i].name + "\"");
    }
    group.total_byte_size += chunk->meta_data.total_uncompressed_size;
    group.columns.push_back(std::move(*chunk));
  }
  group.total_compressed_size = static_cast<int64_t>(out->size() - start);
  offset_ += static_cast<int64_t>(out->size() - start);
  rows_ += group.num_rows;
  row_groups_.push_back(std::move(group));
  return Status::ok();
}

void FileWriter::encode_footer(const std::vector<KeyValue>& metadata, std::string* out) {
  FileMetaData md;
  md.version = 2;
  md.schema = schema_elements(schema_);
  md.num_rows = rows_;
  md.row_groups = row_groups_;
  md.key_value_metadata = metadata;
  md.created_by = "sluice";
  const size_t start = out->size();
  write_file_metadata(md, out);
  const auto length = static_cast<uint32_t>(out->size() - start);
  char bytes[4];
  std::memcpy(bytes, &length, 4);
  out->append(bytes, 4);
  out->append(kMagic);
  offset_ += static_cast<int64_t>(out->size() - start);
}

}  // namespace sluice::format::parquet
