#include "format/parquet/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "format/parquet/page_decoder.h"

namespace sluice::format::parquet {

namespace {

// A footer larger than this is not a footer we will believe.
constexpr uint32_t kMaxFooterBytes = 64u << 20;

Result<ColumnType> sluice_type(const SchemaElement& e) {
  const bool timestamp = e.logical.kind == LogicalType::Kind::kTimestamp ||
                         e.converted_type == kConvertedTimestampMicros ||
                         e.converted_type == kConvertedTimestampMillis;
  switch (*e.type) {
    case PhysicalType::kBoolean:
      return ColumnType::kBoolean;
    case PhysicalType::kInt32:
      if (e.logical.kind == LogicalType::Kind::kDate || e.converted_type == kConvertedDate)
        return ColumnType::kTimestamp;
      return ColumnType::kInt64;
    case PhysicalType::kInt64:
      return timestamp ? ColumnType::kTimestamp : ColumnType::kInt64;
    case PhysicalType::kInt96:
      return ColumnType::kTimestamp;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return ColumnType::kDouble;
    case PhysicalType::kByteArray:
      return ColumnType::kString;
    case PhysicalType::kFixedLenByteArray:
      break;
  }
  return Status::invalid("column \"" + e.name + "\": physical type " +
                         std::to_string(static_cast<int>(*e.type)) + " is not supported");
}

}  // namespace

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<FileReader>> FileReader::open(const std::string& path) {
  std::unique_ptr<FileReader> r(new FileReader());
  r->name_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return errno_status(errno, "cannot open " + path);
  struct stat st;
  if (::fstat(r->fd_, &st) != 0) return errno_status(errno, "cannot stat " + path);
  r->file_size_ = st.st_size;
  if (Status s = r->init(); !s.is_ok()) return s.with_context(path);
  return r;
}

Result<std::unique_ptr<FileReader>> FileReader::from_bytes(std::string_view bytes,
                                                           std::string name) {
  std::unique_ptr<FileReader> r(new FileReader());
  r->name_ = std::move(name);
  r->memory_ = bytes;
  r->file_size_ = static_cast<int64_t>(bytes.size());
  if (Status s = r->init(); !s.is_ok()) return s.with_context(r->name_);
  return r;
}

Status FileReader::read_range(int64_t offset, int64_t size, std::string* out) const {
  if (offset < 0 || size < 0 || offset > file_size_ || size > file_size_ - offset) {
    return Status::corruption("range " + std::to_string(offset) + "+" + std::to_string(size) +
                              " is outside the file (" + std::to_string(file_size_) + " bytes)");
  }
  out->resize(static_cast<size_t>(size));
  if (fd_ < 0) {
    std::memcpy(out->data(), memory_.data() + offset, static_cast<size_t>(size));
    return Status::ok();
  }
  size_t done = 0;
  while (done < out->size()) {
    const ssize_t n =
        ::pread(fd_, out->data() + done, out->size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_status(errno, "cannot read " + name_);
    if (n == 0) return Status::corruption("file shrank while being read");
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

Status FileReader::init() {
  constexpr int64_t kTrailer = 8;  // u32 footer length + "PAR1"
  if (file_size_ < static_cast<int64_t>(kMagic.size()) + kTrailer)
    return Status::corruption("too small to be a Parquet file");
  std::string bytes;
  SLUICE_RETURN_IF_ERROR(read_range(0, 4, &bytes));
  if (bytes != kMagic) return Status::corruption("not a Parquet file (no leading PAR1)");
  SLUICE_RETURN_IF_ERROR(read_range(file_size_ - kTrailer, kTrailer, &bytes));
  if (bytes.substr(4) != kMagic) {
    return Status::corruption(
        "no trailing PAR1: the file is incomplete (a writer may still be writing it)");
  }
  uint32_t footer_size;
  std::memcpy(&footer_size, bytes.data(), 4);
  if (footer_size > kMaxFooterBytes || footer_size > file_size_ - kTrailer - 4) {
    return Status::corruption("footer length " + std::to_string(footer_size) +
                              " does not fit the file");
  }
  SLUICE_RETURN_IF_ERROR(read_range(file_size_ - kTrailer - footer_size, footer_size, &bytes));
  auto md = read_file_metadata(bytes);
  if (!md) return md.status();
  metadata_ = std::move(*md);

  const SchemaElement& root = metadata_.schema[0];
  const int32_t children = root.num_children.value_or(0);
  if (children < 0 || static_cast<size_t>(children) != metadata_.schema.size() - 1) {
    for (size_t i = 1; i < metadata_.schema.size(); ++i) {
      if (metadata_.schema[i].num_children) {
        return Status::invalid("column \"" + metadata_.schema[i].name +
                               "\" is a nested group; sluice reads flat Parquet files");
      }
    }
    return Status::corruption("schema does not add up");
  }
  for (size_t i = 1; i < metadata_.schema.size(); ++i) {
    const SchemaElement& e = metadata_.schema[i];
    if (!e.type)
      return Status::invalid("column \"" + e.name +
                             "\" is a nested group; sluice reads flat Parquet files");
    if (e.repetition == Repetition::kRepeated) {
      return Status::invalid("column \"" + e.name +
                             "\" is repeated; sluice reads flat Parquet files");
    }
    auto type = sluice_type(e);
    if (!type) return type.status();
    ColumnInfo info;
    info.name = e.name;
    info.type = *type;
    info.physical = *e.type;
    info.required = e.repetition == Repetition::kRequired;
    info.logical = e.logical;
    info.converted_type = e.converted_type;
    columns_.push_back(std::move(info));
  }
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.columns.size() != columns_.size()) {
      return Status::corruption("row group " + std::to_string(g) + " has " +
                                std::to_string(rg.columns.size()) + " columns, the schema " +
                                std::to_string(columns_.size()));
    }
    if (rg.num_rows < 0)
      return Status::corruption("row group " + std::to_string(g) + " has a negative row count");
  }
  return Status::ok();
}

Result<ColumnBuffer> FileReader::read_column(size_t group, size_t column) {
  if (group >= metadata_.row_groups.size() || column >= columns_.size())
    return Status::invalid("no such column chunk");
  const RowGroup& rg = metadata_.row_groups[group];
  const ColumnMetaData& m = rg.columns[column].meta_data;
  const ColumnInfo& info = columns_[column];
  const std::string where = "row group " + std::to_string(group) + ", column \"" + info.name + "\"";
  if (m.type != info.physical)
    return Status::corruption(where + ": chunk type differs from the schema");
  const int64_t start = m.dictionary_page_offset && *m.dictionary_page_offset > 0
                            ? std::min(*m.dictionary_page_offset, m.data_page_offset)
                            : m.data_page_offset;
  std::string chunk;
  if (Status s = read_range(start, m.total_compressed_size, &chunk); !s.is_ok())
    return s.with_context(where);
  if (m.num_values != rg.num_rows)
    return Status::corruption(where + ": value count differs from the row count");
  if (rg.num_rows > kMaxRowGroupRows) {
    return Status::invalid(where + ": " + std::to_string(rg.num_rows) +
                           " rows in one row group; sluice reads at most " +
                           std::to_string(kMaxRowGroupRows) + " (write smaller row groups)");
  }
  auto decoded = decode_column_chunk(info, m.codec, rg.num_rows, chunk);
  if (!decoded) return decoded.status().with_context(name_ + ": " + where);
  return decoded;
}

}  // namespace sluice::format::parquet
