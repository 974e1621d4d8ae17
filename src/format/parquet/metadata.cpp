#include "format/parquet/metadata.h"

#include "format/parquet/thrift_compact.h"

namespace sluice::format::parquet {

const std::string* FileMetaData::find_metadata(std::string_view key) const {
  for (const KeyValue& kv : key_value_metadata) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

// ---- writing ----------------------------------------------------------------

namespace {

void write_statistics(CompactWriter& w, const Statistics& s) {
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.distinct_count) w.field_i64(4, *s.distinct_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  w.end_struct();
}

void write_empty_struct_field(CompactWriter& w, int16_t id) {
  w.begin_struct_field(id);
  w.end_struct();
}

// The LogicalType union (field 10 of SchemaElement); only the kinds sluice writes.
void write_logical_type(CompactWriter& w, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  if (t.kind != Kind::kString && t.kind != Kind::kTimestamp && t.kind != Kind::kJson &&
      t.kind != Kind::kDate)
    return;
  w.begin_struct_field(10);
  switch (t.kind) {
    case Kind::kString:
      write_empty_struct_field(w, 1);
      break;
    case Kind::kDate:
      write_empty_struct_field(w, 6);
      break;
    case Kind::kJson:
      write_empty_struct_field(w, 12);
      break;
    case Kind::kTimestamp: {
      w.begin_struct_field(8);  // TimestampType
      w.field_bool(1, t.adjusted_to_utc);
      w.begin_struct_field(2);  // TimeUnit union: 1 millis, 2 micros, 3 nanos
      write_empty_struct_field(w, t.unit == LogicalType::TimeUnit::kMillis   ? 1
                                  : t.unit == LogicalType::TimeUnit::kMicros ? 2
                                                                             : 3);
      w.end_struct();
      w.end_struct();
      break;
    }
    default:
      break;
  }
  w.end_struct();
}

void write_schema_element(CompactWriter& w, const SchemaElement& e) {
  w.begin_struct_element();
  if (e.type) w.field_i32(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w.field_i32(2, *e.type_length);
  if (e.repetition) w.field_i32(3, static_cast<int32_t>(*e.repetition));
  w.field_binary(4, e.name);
  if (e.num_children) w.field_i32(5, *e.num_children);
  if (e.converted_type) w.field_i32(6, *e.converted_type);
  write_logical_type(w, e.logical);
  w.end_struct();
}

void write_column_meta(CompactWriter& w, const ColumnMetaData& m) {
  w.field_i32(1, static_cast<int32_t>(m.type));
  w.begin_list_field(2, CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.element_i32(static_cast<int32_t>(e));
  w.begin_list_field(3, CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.element_binary(p);
  w.field_i32(4, static_cast<int32_t>(m.codec));
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.begin_struct_field(12);
    write_statistics(w, *m.statistics);
  }
  w.end_struct();
}

}  // namespace

void write_file_metadata(const FileMetaData& md, std::string* out) {
  CompactWriter w(out);
  w.field_i32(1, md.version);
  w.begin_list_field(2, CompactType::kStruct, md.schema.size());
  for (const SchemaElement& e : md.schema) write_schema_element(w, e);
  w.field_i64(3, md.num_rows);
  w.begin_list_field(4, CompactType::kStruct, md.row_groups.size());
  for (const RowGroup& rg : md.row_groups) {
    w.begin_struct_element();
    w.begin_list_field(1, CompactType::kStruct, rg.columns.size());
    for (const ColumnChunk& c : rg.columns) {
      w.begin_struct_element();
      w.field_i64(2, c.file_offset);
      w.begin_struct_field(3);
      write_column_meta(w, c.meta_data);
      w.end_struct();
    }
    w.field_i64(2, rg.total_byte_size);
    w.field_i64(3, rg.num_rows);
    if (rg.file_offset) w.field_i64(5, *rg.file_offset);
    if (rg.total_compressed_size) w.field_i64(6, *rg.total_compressed_size);
    w.end_struct();
  }
  if (!md.key_value_metadata.empty()) {
    w.begin_list_field(5, CompactType::kStruct, md.key_value_metadata.size());
    for (const KeyValue& kv : md.key_value_metadata) {
      w.begin_struct_element();
      w.field_binary(1, kv.key);
      w.field_binary(2, kv.value);
      w.end_struct();
    }
  }
  if (!md.created_by.empty()) w.field_binary(6, md.created_by);
  if (md.type_defined_order) {
    size_t leaves = 0;
    for (const SchemaElement& e : md.schema) leaves += e.type ? 1 : 0;
    w.begin_list_field(7, CompactType::kStruct, leaves);
    for (size_t i = 0; i < leaves; ++i) {
      w.begin_struct_element();        // ColumnOrder union
      write_empty_struct_field(w, 1);  // TYPE_ORDER
      w.end_struct();
    }
  }
  w.end_struct();
}

void write_page_header(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.field_i32(1, static_cast<int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.crc) w.field_i32(4, static_cast<int32_t>(*h.crc));
  if (h.data_page) {
    w.begin_struct_field(5);
    w.field_i32(1, h.data_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.data_page->encoding));
    w.field_i32(3, static_cast<int32_t>(h.data_page->definition_level_encoding));
    w.field_i32(4, static_cast<int32_t>(h.data_page->repetition_level_encoding));
    w.end_struct();
  }
  if (h.dictionary_page) {
    w.begin_struct_field(7);
    w.field_i32(1, h.dictionary_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w.end_struct();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2& v2 = *h.data_page_v2;
    w.begin_struct_field(8);
    w.field_i32(1, v2.num_values);
    w.field_i32(2, v2.num_nulls);
    w.field_i32(3, v2.num_rows);
    w.field_i32(4, static_cast<int32_t>(v2.encoding));
    w.field_i32(5, v2.definition_levels_byte_length);
    w.field_i32(6, v2.repetition_levels_byte_length);
    w.field_bool(7, v2.is_compressed);
    w.end_struct();
  }
  w.end_struct();
}

// ---- reading ----------------------------------------------------------------
//
// Each parse_* reads the fields it knows and skips the others; r.ok() is checked
// by the caller at the end, since a failed reader stops yielding fields.

namespace {

template <typename Fn>
void for_each_field(CompactReader& r, Fn&& on_field) {
  int16_t id;
  CompactType type;
  while (r.next_field(&id, &type)) on_field(id, type);
}

template <typename Fn>
void for_each_struct_element(CompactReader& r, Fn&& on_element) {
  CompactType element;
  uint32_t size;
  if (!r.read_list_header(&element, &size)) return;
  for (uint32_t i = 0; i < size && r.ok(); ++i) {
    if (element != CompactType::kStruct) {
      r.skip(element);
      continue;
    }
    r.begin_struct();
    on_element();
    r.end_struct();
  }
}

Statistics parse_statistics(CompactReader& r) {
  Statistics s;
  std::optional<std::string> legacy_min, legacy_max;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kBinary)
      legacy_max = std::string(r.read_binary());
    else if (id == 2 && t == CompactType::kBinary)
      legacy_min = std::string(r.read_binary());
    else if (id == 3 && t == CompactType::kI64)
      s.null_count = r.read_i64();
    else if (id == 4 && t == CompactType::kI64)
      s.distinct_count = r.read_i64();
    else if (id == 5 && t == CompactType::kBinary)
      s.max_value = std::string(r.read_binary());
    else if (id == 6 && t == CompactType::kBinary)
      s.min_value = std::string(r.read_binary());
    else
      r.skip(t);
  });
  // The deprecated min/max used a signed byte order for strings; kept only as a
  // hint when nothing better is there (sluice's reader does not use them to prune).
  if (!s.min_value && legacy_min) s.min_value = legacy_min;
  if (!s.max_value && legacy_max) s.max_value = legacy_max;
  return s;
}

// Returns the id of the union member that is set (its body skipped or parsed by on_member).
template <typename Fn>
int16_t parse_union(CompactReader& r, Fn&& on_member) {
  int16_t member = 0;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (t == CompactType::kStruct && member == 0) {
      member = id;
      r.begin_struct();
      on_member(id);
      r.end_struct();
    } else {
      r.skip(t);
    }
  });
  return member;
}

LogicalType parse_logical_type(CompactReader& r) {
  LogicalType t;
  t.kind = LogicalType::Kind::kOther;
  parse_union(r, [&](int16_t id) {
    switch (id) {
      case 1:
        t.kind = LogicalType::Kind::kString;
        break;
      case 6:
        t.kind = LogicalType::Kind::kDate;
        break;
      case 12:
        t.kind = LogicalType::Kind::kJson;
        break;
      case 8:
        t.kind = LogicalType::Kind::kTimestamp;
        for_each_field(r, [&](int16_t f, CompactType ft) {
          if (f == 1 && (ft == CompactType::kTrue || ft == CompactType::kFalse)) {
            t.adjusted_to_utc = r.read_bool(ft);
          } else if (f == 2 && ft == CompactType::kStruct) {
            r.begin_struct();
            const int16_t unit = parse_union(
                r, [&](int16_t) { for_each_field(r, [&](int16_t, CompactType x) { r.skip(x); }); });
            r.end_struct();
            t.unit = unit == 1   ? LogicalType::TimeUnit::kMillis
                     : unit == 3 ? LogicalType::TimeUnit::kNanos
                                 : LogicalType::TimeUnit::kMicros;
          } else {
            r.skip(ft);
          }
        });
        return;
      case 10:
        t.kind = LogicalType::Kind::kInteger;
        for_each_field(r, [&](int16_t f, CompactType ft) {
          if (f == 1 && ft == CompactType::kByte) {
            t.bit_width = r.read_byte();  // an i8 is one raw byte in the compact protocol
          } else if (f == 2 && (ft == CompactType::kTrue || ft == CompactType::kFalse)) {
            t.is_signed = r.read_bool(ft);
          } else {
            r.skip(ft);
          }
        });
        return;
      default:
        break;
    }
    for_each_field(r, [&](int16_t, CompactType x) { r.skip(x); });
  });
  return t;
}

SchemaElement parse_schema_element(CompactReader& r) {
  SchemaElement e;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kI32)
      e.type = static_cast<PhysicalType>(r.read_i32());
    else if (id == 2 && t == CompactType::kI32)
      e.type_length = r.read_i32();
    else if (id == 3 && t == CompactType::kI32)
      e.repetition = static_cast<Repetition>(r.read_i32());
    else if (id == 4 && t == CompactType::kBinary)
      e.name = std::string(r.read_binary());
    else if (id == 5 && t == CompactType::kI32)
      e.num_children = r.read_i32();
    else if (id == 6 && t == CompactType::kI32)
      e.converted_type = r.read_i32();
    else if (id == 10 && t == CompactType::kStruct) {
      r.begin_struct();
      e.logical = parse_logical_type(r);
      r.end_struct();
    } else
      r.skip(t);
  });
  return e;
}

ColumnMetaData parse_column_meta(CompactReader& r) {
  ColumnMetaData m;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kI32)
      m.type = static_cast<PhysicalType>(r.read_i32());
    else if (id == 2 && t == CompactType::kList) {
      CompactType element;
      uint32_t size;
      if (!r.read_list_header(&element, &size)) return;
      for (uint32_t i = 0; i < size && r.ok(); ++i) {
        if (element == CompactType::kI32)
          m.encodings.push_back(static_cast<Encoding>(r.read_i32()));
        else
          r.skip(element);
      }
    } else if (id == 3 && t == CompactType::kList) {
      CompactType element;
      uint32_t size;
      if (!r.read_list_header(&element, &size)) return;
      for (uint32_t i = 0; i < size && r.ok(); ++i) {
        if (element == CompactType::kBinary)
          m.path_in_schema.emplace_back(r.read_binary());
        else
          r.skip(element);
      }
    } else if (id == 4 && t == CompactType::kI32)
      m.codec = static_cast<Codec>(r.read_i32());
    else if (id == 5 && t == CompactType::kI64)
      m.num_values = r.read_i64();
    else if (id == 6 && t == CompactType::kI64)
      m.total_uncompressed_size = r.read_i64();
    else if (id == 7 && t == CompactType::kI64)
      m.total_compressed_size = r.read_i64();
    else if (id == 9 && t == CompactType::kI64)
      m.data_page_offset = r.read_i64();
    else if (id == 11 && t == CompactType::kI64)
      m.dictionary_page_offset = r.read_i64();
    else if (id == 12 && t == CompactType::kStruct) {
      r.begin_struct();
      m.statistics = parse_statistics(r);
      r.end_struct();
    } else
      r.skip(t);
  });
  return m;
}

RowGroup parse_row_group(CompactReader& r, size_t* chunks_left) {
  RowGroup rg;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kList) {
      for_each_struct_element(r, [&] {
        ColumnChunk c;
        bool has_meta = false;
        for_each_field(r, [&](int16_t cid, CompactType ct) {
          if (cid == 2 && ct == CompactType::kI64)
            c.file_offset = r.read_i64();
          else if (cid == 3 && ct == CompactType::kStruct) {
            r.begin_struct();
            c.meta_data = parse_column_meta(r);
            r.end_struct();
            has_meta = true;
          } else
            r.skip(ct);
        });
        (void)has_meta;
        if (*chunks_left == 0) {
          r.fail("more column chunks than sluice reads in one file");
          return;
        }
        --*chunks_left;
        rg.columns.push_back(std::move(c));
      });
    } else if (id == 2 && t == CompactType::kI64)
      rg.total_byte_size = r.read_i64();
    else if (id == 3 && t == CompactType::kI64)
      rg.num_rows = r.read_i64();
    else if (id == 5 && t == CompactType::kI64)
      rg.file_offset = r.read_i64();
    else if (id == 6 && t == CompactType::kI64)
      rg.total_compressed_size = r.read_i64();
    else
      r.skip(t);
  });
  return rg;
}

}  // namespace

// Parsed structs are a hundred times larger than their smallest encoding (one
// byte): counts are bounded so a small hostile footer cannot ask for gigabytes.
constexpr size_t kMaxSchemaElements = 100'000;
constexpr size_t kMaxColumnChunks = 1'000'000;

Result<FileMetaData> read_file_metadata(std::string_view bytes) {
  CompactReader r(bytes);
  FileMetaData md;
  size_t chunks_left = kMaxColumnChunks;
  md.type_defined_order = false;
  bool has_schema = false;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kI32)
      md.version = r.read_i32();
    else if (id == 2 && t == CompactType::kList) {
      has_schema = true;
      for_each_struct_element(r, [&] {
        if (md.schema.size() >= kMaxSchemaElements) return r.fail("more columns than sluice reads");
        md.schema.push_back(parse_schema_element(r));
      });
    } else if (id == 3 && t == CompactType::kI64)
      md.num_rows = r.read_i64();
    else if (id == 4 && t == CompactType::kList) {
      for_each_struct_element(r, [&] { md.row_groups.push_back(parse_row_group(r, &chunks_left)); });
    } else if (id == 5 && t == CompactType::kList) {
      for_each_struct_element(r, [&] {
        KeyValue kv;
        for_each_field(r, [&](int16_t kid, CompactType kt) {
          if (kid == 1 && kt == CompactType::kBinary)
            kv.key = std::string(r.read_binary());
          else if (kid == 2 && kt == CompactType::kBinary)
            kv.value = std::string(r.read_binary());
          else
            r.skip(kt);
        });
        md.key_value_metadata.push_back(std::move(kv));
      });
    } else if (id == 6 && t == CompactType::kBinary)
      md.created_by = std::string(r.read_binary());
    else if (id == 7 && t == CompactType::kList) {
      md.type_defined_order = true;
      r.skip(t);
    } else
      r.skip(t);
  });
  if (!r.ok()) return Status::corruption("file metadata: " + r.error());
  if (!has_schema || md.schema.empty()) return Status::corruption("file metadata has no schema");
  return md;
}

Result<PageHeader> read_page_header(std::string_view bytes, size_t* header_bytes) {
  CompactReader r(bytes);
  PageHeader h;
  for_each_field(r, [&](int16_t id, CompactType t) {
    if (id == 1 && t == CompactType::kI32)
      h.type = static_cast<PageType>(r.read_i32());
    else if (id == 2 && t == CompactType::kI32)
      h.uncompressed_page_size = r.read_i32();
    else if (id == 3 && t == CompactType::kI32)
      h.compressed_page_size = r.read_i32();
    else if (id == 4 && t == CompactType::kI32)
      h.crc = static_cast<uint32_t>(r.read_i32());
    else if (id == 5 && t == CompactType::kStruct) {
      DataPageHeader d;
      r.begin_struct();
      for_each_field(r, [&](int16_t f, CompactType ft) {
        if (f == 1 && ft == CompactType::kI32)
          d.num_values = r.read_i32();
        else if (f == 2 && ft == CompactType::kI32)
          d.encoding = static_cast<Encoding>(r.read_i32());
        else if (f == 3 && ft == CompactType::kI32)
          d.definition_level_encoding = static_cast<Encoding>(r.read_i32());
        else if (f == 4 && ft == CompactType::kI32)
          d.repetition_level_encoding = static_cast<Encoding>(r.read_i32());
        else
          r.skip(ft);
      });
      r.end_struct();
      h.data_page = d;
    } else if (id == 7 && t == CompactType::kStruct) {
      DictionaryPageHeader d;
      r.begin_struct();
      for_each_field(r, [&](int16_t f, CompactType ft) {
        if (f == 1 && ft == CompactType::kI32)
          d.num_values = r.read_i32();
        else if (f == 2 && ft == CompactType::kI32)
          d.encoding = static_cast<Encoding>(r.read_i32());
        else
          r.skip(ft);
      });
      r.end_struct();
      h.dictionary_page = d;
    } else if (id == 8 && t == CompactType::kStruct) {
      DataPageHeaderV2 d;
      r.begin_struct();
      for_each_field(r, [&](int16_t f, CompactType ft) {
        if (f == 1 && ft == CompactType::kI32)
          d.num_values = r.read_i32();
        else if (f == 2 && ft == CompactType::kI32)
          d.num_nulls = r.read_i32();
        else if (f == 3 && ft == CompactType::kI32)
          d.num_rows = r.read_i32();
        else if (f == 4 && ft == CompactType::kI32)
          d.encoding = static_cast<Encoding>(r.read_i32());
        else if (f == 5 && ft == CompactType::kI32)
          d.definition_levels_byte_length = r.read_i32();
        else if (f == 6 && ft == CompactType::kI32)
          d.repetition_levels_byte_length = r.read_i32();
        else if (f == 7 && (ft == CompactType::kTrue || ft == CompactType::kFalse))
          d.is_compressed = r.read_bool(ft);
        else
          r.skip(ft);
      });
      r.end_struct();
      h.data_page_v2 = d;
    } else
      r.skip(t);
  });
  if (!r.ok()) return Status::corruption("page header: " + r.error());
  if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0)
    return Status::corruption("page header: negative page size");
  *header_bytes = r.position(bytes.data());
  return h;
}

}  // namespace sluice::format::parquet
