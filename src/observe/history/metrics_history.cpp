#include "observe/history/metrics_history.h"

#include <filesystem>
#include <system_error>

#include "core/component_kind.h"
#include "core/time.h"

namespace sluice::observe {

namespace {

using sink::sqlite::Database;
using sink::sqlite::Statement;

// Times as the sqlite sink writes them: UTC with six fraction digits, so text
// order is time order and SQLite's date functions read them.
std::string sortable_time(int64_t us) {
  char buf[kRfc3339MaxBytes];
  return std::string(buf, format_rfc3339(us, buf, true));
}

uint64_t since(uint64_t now, uint64_t before) {
  // A counter below its previous value means a component was rebuilt: count it whole.
  return now >= before ? now - before : now;
}

void bind_count(Statement& s, int i, uint64_t v) {
  s.bind_int(i, static_cast<int64_t>(v));
}

// p50 and p99 in milliseconds, or NULL when nothing was observed.
void bind_quantiles(Statement& s, int first, const Histogram::Snapshot& h) {
  if (h.count == 0) {
    s.bind_null(first);
    s.bind_null(first + 1);
    return;
  }
  s.bind_double(first, Histogram::quantile(h, 0.5) * 1e3);
  s.bind_double(first + 1, Histogram::quantile(h, 0.99) * 1e3);
}

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS component_metrics (
  time TEXT NOT NULL,           -- end of the interval (UTC)
  interval_s REAL NOT NULL,     -- its length: the counts below happened in it
  component TEXT NOT NULL,
  kind TEXT NOT NULL,           -- source, transform or sink
  type TEXT NOT NULL,
  events_in INTEGER NOT NULL,
  events_out INTEGER NOT NULL,
  bytes_in INTEGER NOT NULL,
  bytes_out INTEGER NOT NULL,
  batches INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  dead_lettered INTEGER NOT NULL,
  discarded INTEGER NOT NULL,
  late INTEGER NOT NULL,
  state_entries INTEGER NOT NULL,  -- at the end of the interval
  queued_batches INTEGER,          -- sinks: batches waiting at the end of the interval
  healthy INTEGER NOT NULL,        -- 0 while a sink's writes fail
  batch_p50_ms REAL,               -- of the batches in the interval; NULL without any
  batch_p99_ms REAL
);
CREATE INDEX IF NOT EXISTS component_metrics_time ON component_metrics (time);
CREATE TABLE IF NOT EXISTS pipeline_metrics (
  time TEXT NOT NULL,
  interval_s REAL NOT NULL,
  pipeline TEXT NOT NULL,       -- the pipeline file
  cpu_seconds REAL NOT NULL,    -- process CPU time (user + system) in the interval
  rss_bytes INTEGER NOT NULL,
  open_files INTEGER NOT NULL,
  log_bytes INTEGER NOT NULL,   -- the log's files, at the end of the interval
  backlog INTEGER NOT NULL,     -- records the pipeline's consumer group has not committed
  delivered INTEGER NOT NULL,   -- events whose offsets were committed in the interval
  delivery_p50_ms REAL,         -- ingest → sink commit, of those events
  delivery_p99_ms REAL
);
CREATE INDEX IF NOT EXISTS pipeline_metrics_time ON pipeline_metrics (time);
)sql";

}  // namespace

Result<std::unique_ptr<MetricsHistory>> MetricsHistory::open(const std::string& path, int64_t retention_us) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::io_error("metrics history: cannot create " + parent.string() + ": " + ec.message());
  auto db = Database::open(path, false);
  if (!db) return db.status().with_context("metrics history");
  std::unique_ptr<MetricsHistory> h(new MetricsHistory());
  h->db_ = std::move(*db);
  h->retention_us_ = retention_us;
  if (Status s = h->create_tables(); !s.is_ok()) return s.with_context("metrics history");
  return h;
}

Status MetricsHistory::create_tables() {
  // History is for reports, not for proving delivery: a crash may lose the last
  // record, never the file (WAL, synchronous=NORMAL).
  if (Status s = db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.is_ok()) return s;
  if (Status s = db_->exec(kSchema); !s.is_ok()) return s;
  auto prepare = [&](Statement& into, const std::string& sql) -> Status {
    auto st = db_->prepare(sql);
    if (!st) return st.status();
    into = std::move(*st);
    return Status::ok();
  };
  if (Status s = prepare(insert_component_,
                         "INSERT INTO component_metrics VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      !s.is_ok())
    return s;
  if (Status s = prepare(insert_pipeline_, "INSERT INTO pipeline_metrics VALUES (?,?,?,?,?,?,?,?,?,?,?)"); !s.is_ok())
    return s;
  if (Status s = prepare(expire_components_, "DELETE FROM component_metrics WHERE time < ?"); !s.is_ok()) return s;
  return prepare(expire_pipeline_, "DELETE FROM pipeline_metrics WHERE time < ?");
}

Status MetricsHistory::record(const PipelineStatus& status, const ProcessStats& process, int64_t now_us) {
  if (Status s = db_->exec("BEGIN IMMEDIATE"); !s.is_ok()) return s;
  std::map<std::string, Previous> next;
  Status s = write(status, process, now_us, next);
  if (s.is_ok()) s = db_->exec("COMMIT");
  if (!s.is_ok()) {
    (void)db_->exec("ROLLBACK");
    return s;  // the previous snapshots stay: the next record covers this span too
  }
  have_previous_ = true;
  previous_us_ = now_us;
  previous_cpu_seconds_ = process.cpu_seconds;
  previous_ = std::move(next);
  previous_delivery_.clear();
  for (const auto& [topic, h] : status.delivery) previous_delivery_[topic] = h;
  return Status::ok();
}

Status MetricsHistory::write(const PipelineStatus& status, const ProcessStats& process, int64_t now_us,
                             std::map<std::string, Previous>& next) {
  const int64_t from_us = have_previous_ ? previous_us_ : status.started_at_us;
  const double interval_s = static_cast<double>(std::max<int64_t>(0, now_us - from_us)) / 1e6;
  const std::string time = sortable_time(now_us);

  for (const ComponentStatus& c : status.components) {
    if (c.stats == nullptr) continue;
    Previous now{c.stats->snapshot(), c.stats->batch_seconds.snapshot()};
    const auto prev_it = previous_.find(c.stats->name());
    const Previous empty;
    const Previous& prev = prev_it == previous_.end() ? empty : prev_it->second;
    const StatsSnapshot& a = now.counters;
    const StatsSnapshot& b = prev.counters;
    Statement& st = insert_component_;
    st.bind_text(1, time);
    st.bind_double(2, interval_s);
    st.bind_text(3, c.stats->name());
    st.bind_text(4, component_kind_name(c.stats->kind()));
    st.bind_text(5, c.stats->type());
    bind_count(st, 6, since(a.events_in, b.events_in));
    bind_count(st, 7, since(a.events_out, b.events_out));
    bind_count(st, 8, since(a.bytes_in, b.bytes_in));
    bind_count(st, 9, since(a.bytes_out, b.bytes_out));
    bind_count(st, 10, since(a.batches, b.batches));
    bind_count(st, 11, since(a.errors, b.errors));
    bind_count(st, 12, since(a.dead_lettered, b.dead_lettered));
    bind_count(st, 13, since(a.discarded, b.discarded));
    bind_count(st, 14, since(a.late, b.late));
    bind_count(st, 15, a.state_entries);
    if (c.queued_batches >= 0) {
      st.bind_int(16, c.queued_batches);
    } else {
      st.bind_null(16);
    }
    st.bind_int(17, c.healthy ? 1 : 0);
    bind_quantiles(st, 18, Histogram::difference(now.batch, prev.batch));
    if (Status s = st.run(); !s.is_ok()) return s;
    next.emplace(c.stats->name(), std::move(now));
  }

  int64_t log_bytes = 0;
  for (const PartitionStatus& p : status.partitions) log_bytes += p.bytes;
  int64_t backlog = 0;
  for (const BacklogStatus& b : status.backlog) {
    if (b.group == status.group) backlog += b.lag();
  }
  Histogram::Snapshot delivered;
  for (const auto& [topic, h] : status.delivery) {
    const auto prev = previous_delivery_.find(topic);
    Histogram::merge(delivered, prev == previous_delivery_.end() ? h : Histogram::difference(h, prev->second));
  }
  Statement& st = insert_pipeline_;
  st.bind_text(1, time);
  st.bind_double(2, interval_s);
  st.bind_text(3, status.file);
  st.bind_double(4, std::max(0.0, process.cpu_seconds - (have_previous_ ? previous_cpu_seconds_ : 0.0)));
  bind_count(st, 5, process.resident_bytes);
  bind_count(st, 6, process.open_fds);
  st.bind_int(7, log_bytes);
  st.bind_int(8, backlog);
  bind_count(st, 9, delivered.count);
  bind_quantiles(st, 10, delivered);
  if (Status s = st.run(); !s.is_ok()) return s;

  if (retention_us_ > 0) {
    const std::string cutoff = sortable_time(now_us - retention_us_);
    for (Statement* expire : {&expire_components_, &expire_pipeline_}) {
      expire->bind_text(1, cutoff);
      if (Status s = expire->run(); !s.is_ok()) return s;
    }
  }
  return Status::ok();
}

}  // namespace sluice::observe
