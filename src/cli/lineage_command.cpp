// sluice lineage verify|trace|export: the lineage ledger of a pipeline's data
// directory (governance/chained_ledger.h).
//
//   verify                 checks the whole chain; names the first broken entry
//   trace OUTPUT           from a lake file (its name holds its offsets), a sink, a
//                          file, a database#table or a directory, back to the
//                          source offsets and the transforms each commit went through
//   trace --event-id ID    from an event, found in the log by its id, to its offsets
//                          and every commit (and lake file) that covered them
//   export --openlineage   one OpenLineage RunEvent per entry and sink, to a file
//                          (NDJSON) or POSTed to an http(s) URL
#include <curl/curl.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/data_dir_option.h"
#include "cli/event_search.h"
#include "cli/exit_codes.h"
#include "cli/ledger_report.h"
#include "core/config/config_loader.h"
#include "core/time.h"
#include "governance/chained_ledger.h"
#include "observe/json_out.h"
#include "runtime/log_setup.h"
#include "runtime/registry.h"
#include "sink/lake/file_names.h"

namespace sluice::cli {

namespace {

namespace fs = std::filesystem;

struct LineageFlags {
  std::string config;
  std::string data_dir = "./data";
};

// The ledger directory of the pipeline (-c) or of --data-dir.
Result<std::string> ledger_dir(const LineageFlags& f) {
  auto data_dir = pipeline_data_dir(f.config, f.data_dir);
  if (!data_dir) return data_dir.status();
  return *data_dir + "/lineage";
}

// The ledger's entries, sealed ones opened.
Result<std::vector<std::string>> ledger_entries(const LineageFlags& f, const std::string& dir) {
  auto state = pipeline_state(f.config, f.data_dir);
  if (!state) return state.status();
  return governance::ChainedLedger::entries(dir, state->keys);
}

void add_common(CLI::App* cmd, LineageFlags& f) {
  cmd->add_option("-c,--config", f.config, "Pipeline file whose data_dir holds the ledger");
  cmd->add_option("--data-dir", f.data_dir, "Data directory (without --config)")
      ->capture_default_str();
}

// What a trace asks for: a sink or output, and for a lake file the offsets it holds.
struct Query {
  std::string text;
  std::optional<sink::lake::LoggedFileName> file;
};

bool sink_matches(simdjson::dom::element sink, const Query& q) {
  const std::string_view name = sink["name"].get_string().value_unsafe();
  const std::string output(sink["output"].get_string().value_unsafe());
  if (q.text == name || q.text == output) return true;
  // A file inside a sink's directory (the lake), or a table of its database.
  std::error_code ec;
  const fs::path wanted = fs::weakly_canonical(q.text, ec), out = fs::weakly_canonical(output, ec);
  const auto rel = wanted.lexically_relative(out);
  return !out.empty() && !rel.empty() && *rel.begin() != "..";
}

// Whether the sink reads the input's topic (what its sources append to).
bool reads_topic(simdjson::dom::element sink, simdjson::dom::element in) {
  const std::string_view topic = in["topic"].get_string().value_unsafe();
  for (simdjson::dom::element t : sink["topics"].get_array()) {
    if (t.get_string().value_unsafe() == topic) return true;
  }
  return false;
}

std::string range_text(simdjson::dom::element in) {
  return std::string(in["topic"].get_string().value_unsafe()) + "/" +
         std::to_string(int64_t(in["partition"].get_int64().value_unsafe())) + " offsets " +
         std::to_string(int64_t(in["first_offset"].get_int64().value_unsafe())) + "-" +
         std::to_string(int64_t(in["last_offset"].get_int64().value_unsafe()));
}

// The topic, partition and offsets a lake file's name says it holds; nullopt for
// any other file.
std::optional<sink::lake::LoggedFileName> lake_file_offsets(const fs::path& path) {
  const std::string base = path.filename().string();
  const size_t dot = base.find('.');
  if (dot == std::string::npos) return std::nullopt;
  return sink::lake::parse_logged_file_name(base, base.substr(0, dot));
}

// Whether a ledger input range shares records with `topic`/`partition` offsets first..last.
bool range_overlaps(simdjson::dom::element in, std::string_view topic, int64_t partition,
                    int64_t first, int64_t last) {
  return in["topic"].get_string().value_unsafe() == topic &&
         in["partition"].get_int64().value_unsafe() == partition &&
         in["first_offset"].get_int64().value_unsafe() <= last &&
         in["last_offset"].get_int64().value_unsafe() >= first;
}

// One commit of one sink: when, how many events, where to, from which offsets, through which
// transforms.
void print_commit(size_t index, simdjson::dom::element e, simdjson::dom::element sink,
                  const std::string& inputs) {
  std::string chain;
  for (simdjson::dom::element t : sink["chain"].get_array()) {
    chain += std::string(chain.empty() ? "" : " > ") +
             std::string(t["name"].get_string().value_unsafe()) + " (" +
             std::string(t["type"].get_string().value_unsafe()) + ", config " +
             std::string(t["config_sha256"].get_string().value_unsafe()).substr(0, 12) + ")";
  }
  std::printf("entry %zu at %s: sink %s wrote %lld events to %s\n  from %s\n  through %s\n",
              index + 1, std::string(e["time"].get_string().value_unsafe()).c_str(),
              std::string(sink["name"].get_string().value_unsafe()).c_str(),
              static_cast<long long>(sink["events"].get_int64().value_unsafe()),
              std::string(sink["output"].get_string().value_unsafe()).c_str(),
              inputs.empty() ? "(no records)" : inputs.c_str(),
              chain.empty() ? "(no transform)" : chain.c_str());
}

// The lake files under `dir` whose names say they hold `at`.
std::vector<std::string> lake_files_holding(const std::string& dir, const EventLocation& at) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto name = lake_file_offsets(it->path());
    if (name && name->topic == at.topic && name->partition == at.partition &&
        name->first_offset <= at.offset && at.offset <= name->last_offset) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// From an event id to the records that carry it, and from them to every commit that covered them.
int run_trace_event(const LineageFlags& f, const std::string& id_field, const std::string& id) {
  if (f.config.empty()) {
    std::fprintf(stderr,
                 "sluice lineage trace: --event-id needs the pipeline file (-c) to find its log\n");
    return kExitUsage;
  }
  auto field = FieldPath::parse(id_field.starts_with('.') ? id_field : "." + id_field);
  if (!field) {
    std::fprintf(stderr, "sluice lineage trace: --id-field %s: %s\n", id_field.c_str(),
                 field.status().message().c_str());
    return kExitUsage;
  }
  Diagnostics diagnostics;
  auto config = load_pipeline_file(f.config, runtime::Registry::builtin(), diagnostics);
  if (!config) {
    std::fputs(diagnostics.format().c_str(), stderr);
    return kExitInvalidPipeline;
  }
  auto keys = runtime::read_log_keys(*config);
  if (!keys) {
    std::fprintf(stderr, "sluice lineage trace: %s\n", keys.status().message().c_str());
    return kExitInvalidPipeline;
  }
  auto search = find_event(*config, *keys, *field, id);
  if (!search) {
    std::fprintf(stderr, "sluice lineage trace: %s\n", search.status().message().c_str());
    return kExitRuntimeFailure;
  }
  if (search->found.empty()) {
    std::fprintf(
        stderr, "sluice lineage trace: no event with %s = %s among the %lld records of the log\n",
        field->to_string().c_str(), id.c_str(), static_cast<long long>(search->records_read));
    for (const std::string& start : search->topics_start) {
      std::fprintf(stderr, "  %s (retention removed what came before)\n", start.c_str());
    }
    return kExitRuntimeFailure;
  }
  auto entries = governance::ChainedLedger::entries(config->data_dir + "/lineage", *keys);
  if (!entries) {
    std::fprintf(stderr, "sluice lineage trace: %s\n", entries.status().message().c_str());
    return kExitRuntimeFailure;
  }
  simdjson::dom::parser parser;
  for (const EventLocation& at : search->found) {
    std::printf("event %s = %s: source %s, %s/%d offset %lld, received %s\n",
                field->to_string().c_str(), id.c_str(), at.source.c_str(), at.topic.c_str(),
                at.partition, static_cast<long long>(at.offset),
                format_rfc3339(at.timestamp_us).c_str());
    size_t commits = 0;
    for (size_t i = 0; i < entries->size(); ++i) {
      simdjson::dom::element e = parser.parse((*entries)[i]);
      for (simdjson::dom::element in : e["inputs"].get_array()) {
        if (!range_overlaps(in, at.topic, at.partition, at.offset, at.offset)) continue;
        for (simdjson::dom::element sink : e["sinks"].get_array()) {
          if (!reads_topic(sink, in)) continue;
          print_commit(i, e, sink, range_text(in));
          for (const std::string& file :
               lake_files_holding(std::string(sink["output"].get_string().value_unsafe()), at)) {
            std::printf("  in lake file %s\n", file.c_str());
          }
          ++commits;
        }
      }
    }
    if (commits == 0) std::printf("  not committed by any sink yet\n");
  }
  std::printf(
      "(a commit covers every record of its offsets; a filter on the way may have left this one "
      "out)\n");
  return kExitOk;
}

int run_trace(const LineageFlags& f, const std::string& output) {
  auto dir = ledger_dir(f);
  if (!dir) {
    std::fprintf(stderr, "sluice lineage trace: %s\n", dir.status().message().c_str());
    return kExitInvalidPipeline;
  }
  auto entries = ledger_entries(f, *dir);
  if (!entries) {
    std::fprintf(stderr, "sluice lineage trace: %s\n", entries.status().message().c_str());
    return kExitRuntimeFailure;
  }
  Query q{output, lake_file_offsets(output)};
  simdjson::dom::parser parser;
  size_t shown = 0;
  for (size_t i = 0; i < entries->size(); ++i) {
    simdjson::dom::element e = parser.parse((*entries)[i]);
    for (simdjson::dom::element sink : e["sinks"].get_array()) {
      if (!sink_matches(sink, q)) continue;
      std::string inputs;
      for (simdjson::dom::element in : e["inputs"].get_array()) {
        if (!reads_topic(sink, in)) continue;
        // Only the commits that covered some of the file's records.
        if (q.file && !range_overlaps(in, q.file->topic, q.file->partition, q.file->first_offset,
                                      q.file->last_offset)) {
          continue;
        }
        inputs += (inputs.empty() ? "" : ", ") + range_text(in);
      }
      if (q.file && inputs.empty()) continue;
      print_commit(i, e, sink, inputs);
      ++shown;
    }
  }
  if (q.file) {
    std::printf("%s holds %s/%d offsets %lld-%lld\n", output.c_str(), q.file->topic.c_str(),
                q.file->partition, static_cast<long long>(q.file->first_offset),
                static_cast<long long>(q.file->last_offset));
  }
  if (shown == 0) {
    std::fprintf(stderr, "sluice lineage trace: no ledger entry names %s\n", output.c_str());
    return kExitRuntimeFailure;
  }
  return kExitOk;
}

// A UUID-shaped run id from the entry's hash: the same entry always gets the same id.
std::string run_id(const std::string& hex) {
  std::string h = hex.substr(0, 32);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string openlineage_event(simdjson::dom::element e, simdjson::dom::element sink,
                              const std::string& entry_hash, const std::string& data_dir) {
  observe::JsonOut j;
  j.begin_object();
  j.key("eventType").value("COMPLETE");
  j.key("eventTime").value(e["time"].get_string().value_unsafe());
  j.key("producer").value("urn:sluice:" SLUICE_VERSION);
  j.key("schemaURL")
      .value("https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent");
  j.key("run").begin_object().key("runId").value(run_id(sluice::governance::sha256_hex(
      entry_hash + std::string(sink["name"].get_string().value_unsafe()))));
  j.end_object();
  j.key("job").begin_object().key("namespace").value("sluice");
  j.key("name").value(std::string(e["pipeline"].get_string().value_unsafe()) + "." +
                      std::string(sink["name"].get_string().value_unsafe()));
  j.end_object();
  j.key("inputs").begin_array();
  for (simdjson::dom::element in : e["inputs"].get_array()) {
    if (!reads_topic(sink, in)) continue;
    j.begin_object().key("namespace").value("sluice-log:" + data_dir + "/log");
    j.key("name").value(in["topic"].get_string().value_unsafe());
    j.key("facets").begin_object().key("sluice_offsets").begin_object();
    j.key("_producer").value("urn:sluice:" SLUICE_VERSION);
    j.key("_schemaURL").value("urn:sluice:facets:offsets:1");
    j.key("partition").value(in["partition"].get_int64().value_unsafe());
    j.key("firstOffset").value(in["first_offset"].get_int64().value_unsafe());
    j.key("lastOffset").value(in["last_offset"].get_int64().value_unsafe());
    j.end_object().end_object().end_object();
  }
  j.end_array();
  j.key("outputs").begin_array().begin_object();
  j.key("namespace")
      .value(std::string("sluice-") + std::string(sink["type"].get_string().value_unsafe()));
  j.key("name").value(sink["output"].get_string().value_unsafe());
  j.key("outputFacets").begin_object().key("outputStatistics").begin_object();
  j.key("_producer").value("urn:sluice:" SLUICE_VERSION);
  j.key("_schemaURL")
      .value("https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json");
  j.key("rowCount").value(sink["events"].get_int64().value_unsafe());
  j.end_object().end_object();
  j.end_object().end_array();
  j.end_object();
  return j.take();
}

Status post_json(const std::string& url, const std::string& body) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::io_error("curl_easy_init failed");
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(
      curl.get(), CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
  const CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return Status::unavailable(url + ": " + curl_easy_strerror(rc));
  if (status < 200 || status >= 300)
    return Status::unavailable(url + " answered HTTP " + std::to_string(status));
  return Status::ok();
}

int run_export(const LineageFlags& f, const std::string& target) {
  auto dir = ledger_dir(f);
  if (!dir) {
    std::fprintf(stderr, "sluice lineage export: %s\n", dir.status().message().c_str());
    return kExitInvalidPipeline;
  }
  auto entries = ledger_entries(f, *dir);
  if (!entries) {
    std::fprintf(stderr, "sluice lineage export: %s\n", entries.status().message().c_str());
    return kExitRuntimeFailure;
  }
  const bool http = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
  std::ofstream file;
  if (!http) {
    file.open(target == "-" ? "/dev/stdout" : target, std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "sluice lineage export: cannot write %s\n", target.c_str());
      return kExitRuntimeFailure;
    }
  }
  const std::string data_dir = fs::path(*dir).parent_path().string();
  simdjson::dom::parser parser;
  size_t events = 0;
  for (const std::string& text : *entries) {
    simdjson::dom::element e = parser.parse(text);
    const std::string hash = governance::sha256_hex(text);
    for (simdjson::dom::element sink : e["sinks"].get_array()) {
      const std::string event = openlineage_event(e, sink, hash, data_dir);
      if (http) {
        if (Status s = post_json(target, event); !s.is_ok()) {
          std::fprintf(stderr, "sluice lineage export: %s (after %zu events)\n",
                       s.message().c_str(), events);
          return kExitRuntimeFailure;
        }
      } else {
        file << event << '\n';
      }
      ++events;
    }
  }
  std::fprintf(stderr, "sluice lineage export: %zu OpenLineage run events from %zu entries\n",
               events, entries->size());
  return kExitOk;
}

}  // namespace

void add_lineage_command(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "lineage",
      "The lineage ledger: every commit of the pipeline's sinks, hash-chained (data_dir/lineage).");
  cmd->require_subcommand(1);
  static LineageFlags flags;
  static std::string output, target;
  static bool openlineage = false;

  CLI::App* verify = cmd->add_subcommand(
      "verify",
      "Check the whole chain; exit 3 naming the first entry edited, deleted, moved or cut off.");
  add_common(verify, flags);
  verify->callback([exit_code] {
    auto dir = ledger_dir(flags);
    if (!dir) {
      std::fprintf(stderr, "sluice lineage verify: %s\n", dir.status().message().c_str());
      *exit_code = kExitInvalidPipeline;
      return;
    }
    *exit_code = report_verdict(governance::ChainedLedger::verify(*dir));
  });

  CLI::App* trace = cmd->add_subcommand("trace",
                                        "From an output — a lake file, a sink's name, file or "
                                        "directory, database#table — back to the source\n"
                                        "offsets and the transforms (with their configuration "
                                        "hashes) of every commit that wrote it.");
  add_common(trace, flags);
  static std::string event_id, id_field = ".id";
  trace->add_option("OUTPUT", output, "The output to trace");
  trace->add_option(
      "--event-id", event_id,
      "Instead of an output: the id of an event, found in the log (needs -c), traced to every "
      "commit and lake file that holds it");
  trace->add_option("--id-field", id_field, "The field that holds event ids")
      ->capture_default_str();
  trace->callback([exit_code] {
    if (output.empty() == event_id.empty()) {
      std::fprintf(stderr, "sluice lineage trace: give an OUTPUT or --event-id, one of the two\n");
      *exit_code = kExitUsage;
      return;
    }
    *exit_code =
        event_id.empty() ? run_trace(flags, output) : run_trace_event(flags, id_field, event_id);
  });

  CLI::App* exp = cmd->add_subcommand("export", "Write the ledger as OpenLineage run events.");
  add_common(exp, flags);
  exp->add_flag("--openlineage", openlineage,
                "OpenLineage RunEvents, one per entry and sink (the only format)")
      ->required();
  exp->add_option("TARGET", target,
                  "A file (NDJSON; - for stdout) or an http(s) URL to POST each event to")
      ->required();
  exp->callback([exit_code] { *exit_code = run_export(flags, target); });
}

}  // namespace sluice::cli
