#include "runtime/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/config/graph_check.h"
#include "core/dead_letter.h"
#include "governance/exposure_guard.h"
#include "observe/console_summary.h"
#include "runtime/bounded_queue.h"
#include "runtime/commit_tracker.h"
#include "runtime/log_setup.h"
#include "runtime/pipeline_parts.h"
#include "runtime/repartition_plan.h"
#include "runtime/repartition_sink.h"
#include "runtime/sink_round.h"
#include "runtime/sink_runner.h"
#include "runtime/topic_reader.h"
#include "runtime/topic_writer.h"

namespace sluice::runtime {

class Pipeline::SourceContextImpl final : public source::SourceContext {
 public:
  SourceContextImpl(Pipeline& pipeline, size_t node) : pipeline_(pipeline), node_(node) {}

  Status append(Batch& batch) override {
    if (pipeline_.stopping_.load()) return Status::unavailable("the pipeline is stopping");
    return pipeline_.nodes_[node_]->writer->append(batch);
  }
  bool stopping() const override { return pipeline_.stopping_.load(); }
  bool sleep_until_us(int64_t deadline_us) override {
    auto& shared = *pipeline_.shared_;
    std::unique_lock lock(shared.mutex);
    auto deadline = std::chrono::steady_clock::time_point(std::chrono::microseconds(deadline_us));
    shared.wake.wait_until(lock, deadline, [&] { return pipeline_.stopping_.load(); });
    return !pipeline_.stopping_.load();
  }

 private:
  Pipeline& pipeline_;
  size_t node_;
};

Pipeline::~Pipeline() = default;

namespace {

// Every (source, partition) whose events can reach `component`, through any path.
std::vector<std::pair<std::string, int32_t>> upstream_partitions(const PipelineConfig& config,
                                                                 const ComponentConfig& component) {
  std::vector<std::pair<std::string, int32_t>> found;
  config.for_each_upstream(component, [&](const ComponentConfig& from) {
    if (from.kind != ComponentKind::kSource) return;
    const int32_t partitions = topic_config_for(from).partitions;
    for (int32_t p = 0; p < partitions; ++p) found.emplace_back(from.name, p);
  });
  return found;
}

}  // namespace

Result<std::unique_ptr<Pipeline>> Pipeline::build(const PipelineConfig& config,
                                                  const Registry& registry,
                                                  const RunOptions& options) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->config_ = config;
  p->options_ = options;
  p->shared_ = std::make_unique<Shared>(options.source_queue_batches);
  if (options.log) {
    p->log_ = options.log;
  } else {
    auto log = open_log(p->config_);
    if (!log) return log.status().with_context("log under " + p->config_.data_dir);
    p->owned_log_ = std::move(log).value();
    p->log_ = p->owned_log_.get();
  }
  const int64_t commit_interval_us =
      p->config_.log.has("commit_interval") ? p->config_.log.get_int("commit_interval") : 1'000'000;
  const size_t read_bytes = p->config_.log.has("read_batch")
                                ? static_cast<size_t>(p->config_.log.get_int("read_batch"))
                                : 1 << 20;
  const std::string group =
      p->config_.log.has("group") ? p->config_.log.get_string("group") : "sluice";
  p->group_ = group;
  RepartitionPlan plan;
  if (uses_kafka_log(p->config_) && p->config_.log.get_string("stateful") == "partitioned") {
    auto planned = plan_repartitions(p->config_, registry, group);
    if (!planned) return planned.status();
    plan = std::move(planned).value();
    if (!plan.why_not.empty())
      spdlog::info("stateful transforms run on one active instance: {}", plan.why_not);
    for (ComponentConfig& c : p->config_.components) {
      if (const RepartitionedTransform* t = plan.by_component(c.name);
          t && c.kind == ComponentKind::kSource) {
        c.options.set("topic", t->topic.name, c.location);
        c.options.set("partitions", int64_t{t->topic.partitions}, c.location);
      }
    }
    if (!plan.transforms.empty()) p->partitioned_ = std::make_unique<PartitionedState>(group);
  }
  std::map<std::string, size_t> index;
  for (const ComponentConfig& c : p->config_.components) {
    index[c.name] = p->nodes_.size();
    auto node = std::make_unique<Node>();
    node->config = &c;
    p->stats_.push_back(std::make_unique<observe::ComponentStats>(c.name, c.kind, c.type));
    node->stats = p->stats_.back().get();
    node->ports = component_outputs(c);
    node->consumers.resize(node->ports.size());
    BuildContext ctx{c, p->config_, *node->stats};
    ctx.tracer = options.tracer;
    ctx.audit = options.audit;
    if (c.kind == ComponentKind::kTransform)
      ctx.input_partitions = upstream_partitions(p->config_, c);
    const std::string subject = std::string(component_kind_name(c.kind)) + " \"" + c.name + "\"";
    const RepartitionedTransform* repartitioned = plan.by_component(c.name);
    switch (c.kind) {
      case ComponentKind::kSource: {
        if (repartitioned) {
          if (Status s = p->log_->ensure_topic(repartitioned->topic); !s.is_ok())
            return s.with_context(subject);
          node->reader = std::make_unique<TopicReader>(*p->log_, repartitioned->topic.name,
                                                       repartitioned->topic.partitions, c.name,
                                                       read_bytes, *node->stats);
          node->reader->read_upstream();
          node->reads_repartition = true;
          break;
        }
        auto made = registry.source(c.type)->make(ctx);
        if (!made) return made.status().with_context(subject);
        node->source = std::move(made).value();
        const log::TopicConfig topic = topic_config_for(c);
        if (Status s = p->log_->ensure_topic(topic); !s.is_ok()) return s.with_context(subject);
        p->delivery_.add_topic(topic.name);
        node->writer = std::make_unique<TopicWriter>(*p->log_, topic.name, topic.partitions,
                                                     c.options.get_paths("key_fields"), node->stats,
                                                     &p->delivery_);
        if (options.tracer) node->writer->trace_with(options.tracer, &p->traces_);
        node->reader = std::make_unique<TopicReader>(*p->log_, topic.name, topic.partitions, c.name,
                                                     read_bytes, *node->stats);
        break;
      }
      case ComponentKind::kTransform: {
        const transform::TransformType* type = registry.transform(c.type);
        auto made = type->make(ctx);
        if (!made) return made.status().with_context(subject);
        node->transform = std::move(made).value();
        node->stateful = type->stateful;
        if (const RepartitionedTransform* t = plan.by_transform(c.name))
          node->lanes_topic = t->topic.name;
        break;
      }
      case ComponentKind::kSink: {
        if (repartitioned) {
          auto writer = std::make_unique<TopicWriter>(*p->log_, repartitioned->topic.name,
                                                      repartitioned->topic.partitions,
                                                      repartitioned->key, node->stats);
          node->sink = std::make_unique<SinkRunner>(
              c.name, std::make_unique<RepartitionSink>(std::move(writer)), *node->stats,
              options.sink_queue_batches, commit_interval_us);
          break;
        }
        auto made = registry.sink(c.type)->make(ctx);
        if (!made) return made.status().with_context(subject);
        node->sink = std::make_unique<SinkRunner>(c.name, std::move(made).value(), *node->stats,
                                                  options.sink_queue_batches, commit_interval_us);
        node->sink->trace_with(options.tracer);
        if (!c.accepts.empty()) {
          governance::DataClass clearance = governance::DataClass::kPublic;
          for (const std::string& a : c.accepts)
            clearance = std::max(clearance, *governance::parse_data_class(a));
          if (clearance < governance::DataClass::kRestricted) {
            node->guard = std::make_unique<governance::ExposureGuard>(clearance);
          }
        }
        break;
      }
    }
    p->nodes_.push_back(std::move(node));
  }
  // Wire each input to the port it reads. The config was validated, so every reference resolves.
  for (size_t i = 0; i < p->nodes_.size(); ++i) {
    for (const InputRef& input : p->nodes_[i]->config->inputs) {
      Node& from = *p->nodes_[index.at(input.component)];
      for (size_t port = 0; port < from.ports.size(); ++port) {
        if (from.ports[port] == input.port) from.consumers[port].push_back(i);
      }
    }
  }
  // Topological order of transforms (Kahn's algorithm over transform-to-transform edges).
  std::vector<size_t> pending(p->nodes_.size(), 0);
  for (size_t i = 0; i < p->nodes_.size(); ++i) {
    for (const InputRef& input : p->nodes_[i]->config->inputs) {
      if (p->nodes_[index.at(input.component)]->transform) ++pending[i];
    }
  }
  std::vector<size_t> ready;
  for (size_t i = 0; i < p->nodes_.size(); ++i) {
    if (p->nodes_[i]->transform && pending[i] == 0) ready.push_back(i);
  }
  while (!ready.empty()) {
    size_t n = ready.back();
    ready.pop_back();
    p->transform_order_.push_back(n);
    for (const auto& readers : p->nodes_[n]->consumers) {
      for (size_t r : readers) {
        if (p->nodes_[r]->transform && --pending[r] == 0) ready.push_back(r);
      }
    }
  }
  std::vector<SinkRunner*> sinks;
  for (auto& node : p->nodes_) {
    if (node->sink) sinks.push_back(node->sink.get());
  }
  p->shared_->commits = std::make_unique<CommitTracker>(
      *p->log_, group, sinks.size(), [sinks](size_t i) { return sinks[i]->given(); },
      [sinks](size_t i) { return sinks[i]->durable(); });
  p->shared_->commits->measure_delivery(&p->delivery_);
  // Every commit goes into the lineage ledger (data_dir/lineage).
  auto ledger = governance::ChainedLedger::open(p->config_.data_dir + "/lineage");
  if (!ledger) return ledger.status();
  // The same keys seal the ledger and the checkpoints (log: state_encryption_key).
  auto state_keys = load_log_keys(p->config_);
  if (!state_keys) return state_keys.status().with_context("log");
  if (const std::string id = state_key_id(p->config_); !id.empty()) {
    const log::Key256* key = state_keys->find(id);
    if (key == nullptr) {
      return Status::invalid("log: state_encryption_key \"" + id +
                             "\" is not among the keys loaded (key_file or key_env)");
    }
    (*ledger)->seal_with(*key, id);
  }
  spdlog::info("lineage ledger {}/lineage: {} entries, head {}", p->config_.data_dir,
               (*ledger)->last_seq(), (*ledger)->last_hash().substr(0, 16));
  std::vector<LineageRecorder::SinkInfo> lineage_sinks;
  for (auto& node : p->nodes_) {
    if (node->sink) lineage_sinks.push_back({node->config, node->sink.get()});
  }
  p->lineage_ = std::make_unique<LineageRecorder>(p->config_, group, std::move(*ledger),
                                                  std::move(lineage_sinks));
  p->shared_->commits->on_commit(
      [recorder = p->lineage_.get()](const std::vector<CommitTracker::CommittedRange>& r) {
        recorder->record(r);
      });
  for (auto& node : p->nodes_) {
    if (node->reader) {
      if (Status s = node->reader->seek_to_committed(group); !s.is_ok())
        return s.with_context("log");
    }
  }
  p->checkpoint_interval_us_ = commit_interval_us;
  if (p->partitioned_) {
    if (Status s = p->add_lanes(plan, registry, *state_keys); !s.is_ok()) return s;
  }
  if (Status s = p->resume_from_checkpoint(group, *state_keys); !s.is_ok()) return s;
  p->prepare_group();
  return p;
}

void Pipeline::request_stop() {
  stopping_.store(true);
  std::lock_guard lock(shared_->mutex);
  shared_->wake.notify_all();
}

Status Pipeline::run() {
  started_at_us_ = now_us();
  phase_.store(observe::PipelineStatus::Phase::kRunning);
  for (auto& node : nodes_) {
    if (node->sink) node->sink->start();
  }
  std::thread pipeline_thread([this] { pipeline_loop(); });

  std::vector<std::thread> source_threads, reader_threads;
  {
    // Counted before any thread starts: a reader that saw no source running yet would
    // take the topic as complete, read up to its end offsets at start and stop for good.
    std::lock_guard lock(shared_->mutex);
    shared_->sources_running = 0;
    shared_->readers_running = 0;
    shared_->upstream_readers_running = 0;
    for (const auto& node : nodes_) {
      if (node->source) ++shared_->sources_running;
      if (!node->reader) continue;
      ++shared_->readers_running;
      if (!node->reads_repartition) ++shared_->upstream_readers_running;
    }
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->reader) reader_threads.emplace_back([this, i] { read_loop(i); });
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->source) continue;
    source_threads.emplace_back([this, i] {
      SourceContextImpl ctx(*this, i);
      Status s = nodes_[i]->source->run(ctx);
      std::lock_guard lock(shared_->mutex);
      if (!s.is_ok()) {
        nodes_[i]->stats->add_error();
        spdlog::error("source \"{}\" failed: {}", nodes_[i]->config->name, s.message());
        if (shared_->first_error.is_ok())
          shared_->first_error = s.with_context("source \"" + nodes_[i]->config->name + "\"");
      }
      --shared_->sources_running;
      shared_->wake.notify_all();
    });
  }

  if (Status s = join_group(); !s.is_ok()) shared_->fail(s.with_context("log"));

  // Wait for the end (sources done and their topics read) or a stop request,
  // committing durable offsets and printing the summary meanwhile.
  std::unique_ptr<observe::ConsoleSummary> summary;
  if (options_.summary_interval_us > 0) {
    std::vector<const observe::ComponentStats*> all;
    for (auto& s : stats_) all.push_back(s.get());
    summary = std::make_unique<observe::ConsoleSummary>(all, stderr);
  }
  using Clock = std::chrono::steady_clock;
  auto next_summary = Clock::now() + std::chrono::microseconds(options_.summary_interval_us);
  // Durable offsets are committed at least every 200 ms, more often with a shorter commit_interval.
  const auto commit_every =
      std::chrono::microseconds(std::min<int64_t>(200'000, checkpoint_interval_us_));
  auto next_commit = Clock::now() + commit_every;
  {
    std::unique_lock lock(shared_->mutex);
    while ((shared_->sources_running > 0 || shared_->readers_running > 0) && !stopping_.load() &&
           shared_->first_error.is_ok()) {
      // Poll: request_stop() may come from a thread that saw a signal flag.
      shared_->wake.wait_for(
          lock, std::min<std::chrono::microseconds>(std::chrono::milliseconds(100), commit_every));
      if (Clock::now() >= next_commit) {
        lock.unlock();
        if (Status s = shared_->commits->commit_durable(); !s.is_ok())
          spdlog::error("offset commit: {}", s.message());
        lock.lock();
        next_commit = Clock::now() + commit_every;
      }
      if (summary && Clock::now() >= next_summary) {
        lock.unlock();
        summary->print();
        lock.lock();
        next_summary += std::chrono::microseconds(options_.summary_interval_us);
      }
    }
  }
  {
    std::lock_guard lock(shared_->mutex);
    input_ended_ = !stopping_.load() && shared_->first_error.is_ok() &&
                   shared_->sources_running == 0 && shared_->readers_running == 0;
  }
  if (stopping_.load())
    spdlog::info("stopping: draining in-flight batches, flushing sinks, committing offsets");
  phase_.store(observe::PipelineStatus::Phase::kStopping);
  request_stop();  // sources stop taking input; readers stop reading
  for (auto& t : source_threads) t.join();
  for (auto& t : reader_threads) t.join();
  shared_->source_queue.close();
  pipeline_thread.join();

  const int64_t give_up_at = steady_now_us() + options_.shutdown_timeout_us;
  Status result = shared_->first_error;
  for (auto& node : nodes_) {
    if (!node->sink) continue;
    Status s = node->sink->close_and_join(give_up_at);
    if (!s.is_ok() && result.is_ok())
      result = s.with_context("sink \"" + node->config->name + "\"");
  }
  if (Status s = shared_->commits->commit_durable(); !s.is_ok() && result.is_ok())
    result = s.with_context("offset commit");
  shared_->commits->only_while_trusted(nullptr);
  membership_.reset();  // leaves the group once everything durable is committed
  {
    std::lock_guard lock(log_mutex_);
    phase_.store(observe::PipelineStatus::Phase::kStopped);
    if (owned_log_) {
      if (Status s = owned_log_->close(); !s.is_ok() && result.is_ok())
        result = s.with_context("log");
    }
  }
  if (summary) summary->print();
  return result;
}

observe::PipelineStatus Pipeline::status() {
  observe::PipelineStatus st;
  st.phase = phase_.load();
  st.file = config_.file;
  st.group = config_.log.has("group") ? config_.log.get_string("group") : "sluice";
  st.started_at_us = started_at_us_;
  for (const auto& node : nodes_) {
    observe::ComponentStatus c;
    c.stats = node->stats;
    for (const InputRef& input : node->config->inputs) c.inputs.push_back(input.to_string());
    c.outputs = node->ports;
    if (node->sink) {
      c.queued_batches = static_cast<int64_t>(node->sink->queued());
      const SinkRunner::Health health = node->sink->health();
      c.healthy = health.ok;
      c.error = health.error;
      c.failing_since_us = health.failing_since_us;
    }
    st.components.push_back(std::move(c));
  }
  st.delivery = delivery_.snapshot();
  st.queued_source_batches = shared_->source_queue.size();
  st.pending_checkpoints = shared_->commits->pending_cuts();
  st.offset_commits = shared_->commits->commits();
  if (gate_ && handover_) {
    st.in_group = true;
    for (const auto& node : nodes_) {
      if (node->reader)
        st.owned_partitions.emplace_back(node->reader->topic(),
                                         static_cast<int64_t>(gate_->owned(node->reader->topic())));
    }
    st.handovers = handover_->handovers();
    st.incomplete_handovers = handover_->incomplete_handovers();
    st.lost_shares = handover_->lost_shares();
  }

  std::lock_guard lock(log_mutex_);
  if (st.phase == observe::PipelineStatus::Phase::kStopped) {
    st.log_ok = false;
    st.log_error = "the pipeline has stopped and closed its log";
    return st;
  }
  auto topics = log_->topics();
  if (!topics) {
    st.log_ok = false;
    st.log_error = topics.status().message();
  } else {
    for (const log::TopicInfo& t : *topics) {
      for (const log::PartitionInfo& p : t.partitions) {
        st.partitions.push_back({t.config.name, p.partition, p.start_offset, p.end_offset, p.bytes,
                                 p.segments, p.corrupt_batches});
      }
    }
  }
  auto groups = log_->group_offsets("");
  if (!groups) {
    st.log_ok = false;
    if (st.log_error.empty()) st.log_error = groups.status().message();
  } else {
    // The pipeline's own group always; other groups (replays, other pipelines on the
    // same log) up to a bound, so the number of series stays bounded.
    std::set<std::string> shown{st.group};
    for (const log::GroupOffset& g : *groups) {
      if (!shown.count(g.group)) {
        if (shown.size() >= observe::PipelineStatus::kMaxGroups) {
          st.backlog_truncated = true;
          continue;
        }
        shown.insert(g.group);
      }
      st.backlog.push_back({g.group, g.topic, g.partition, g.committed, g.end_offset});
    }
    // A partition the pipeline reads but has not committed yet is read from its
    // start: all of it is backlog (a listing of commits alone would show none).
    for (const auto& node : nodes_) {
      if (!node->reader) continue;
      for (const observe::PartitionStatus& p : st.partitions) {
        if (p.topic != node->reader->topic()) continue;
        const bool committed =
            std::any_of(st.backlog.begin(), st.backlog.end(), [&](const observe::BacklogStatus& b) {
              return b.group == st.group && b.topic == p.topic && b.partition == p.partition;
            });
        if (!committed)
          st.backlog.push_back({st.group, p.topic, p.partition, p.start_offset, p.end_offset});
      }
    }
    std::stable_partition(st.backlog.begin(), st.backlog.end(),
                          [&](const observe::BacklogStatus& b) { return b.group == st.group; });
  }
  return st;
}

void Pipeline::read_loop(size_t node) {
  TopicReader& reader = *nodes_[node]->reader;
  std::optional<std::vector<int64_t>> drain_to;  // set once every source has finished
  uint64_t assignment_seen = 0;
  if (gate_) gate_->enter();
  while (!stopping_.load()) {
    uint64_t read_under = 0;  // the gate's let-go count while this read's partitions were ours
    if (gate_) {
      if (auto owned = gate_->pass(reader.topic(), &assignment_seen, stopping_)) {
        if (Status s = reader.own(*owned, group_); !s.is_ok()) {
          shared_->fail(s.with_context("log"));
          break;
        }
      }
      if (stopping_.load()) break;
      read_under = gate_->let_go_count();
    }
    if (!drain_to) {
      bool sources_done;
      {
        std::lock_guard lock(shared_->mutex);
        sources_done = shared_->sources_running == 0;
        // A repartition topic is complete once what feeds it is: every source's topic
        // read, routed and appended to it.
        if (nodes_[node]->reads_repartition)
          sources_done = sources_done && shared_->upstream_readers_running == 0;
      }
      if (sources_done && nodes_[node]->reads_repartition) sources_done = repartition_settled();
      if (sources_done) {
        auto ends = reader.end_offsets();
        if (!ends) {
          shared_->fail(ends.status());
          break;
        }
        drain_to = std::move(ends).value();
      }
    }
    if (drain_to && reader.reached(*drain_to)) break;
    auto batch = reader.next(50'000);
    if (!batch) {
      spdlog::error("reading topic {}: {}", reader.topic(), batch.status().message());
      shared_->fail(batch.status().with_context("topic " + reader.topic()));
      break;
    }
    if (!*batch) continue;
    if (options_.tracer && traces_.active()) {
      // Waits (briefly) for a traced append still under way: its records may be in this batch.
      const BatchOrigin& o = (**batch).origin;
      (**batch).origin.traces =
          traces_.find(reader.topic(), o.partition, o.first_offset, o.last_offset, 100'000);
    }
    if (!shared_->source_queue.push({node, std::move(**batch), read_under})) break;
    shared_->batches_queued.fetch_add(1);
  }
  if (gate_) gate_->leave();
  std::lock_guard lock(shared_->mutex);
  --shared_->readers_running;
  if (!nodes_[node]->reads_repartition) --shared_->upstream_readers_running;
  shared_->wake.notify_all();
}

void Pipeline::pipeline_loop() {
  constexpr int64_t kTickUs = 100'000;
  int64_t next_tick = steady_now_us() + kTickUs;
  int64_t next_checkpoint = steady_now_us() + checkpoint_interval_us_;
  for (;;) {
    bool closed = false;
    auto item = shared_->source_queue.pop_until(
        std::chrono::steady_clock::time_point(std::chrono::microseconds(next_tick)), &closed);
    // Transforms and their state are the pipeline thread's, except while another instance
    // takes over or hands them back (activate(), become_standby(), the lanes' hooks).
    std::lock_guard lock(transform_mutex_);
    if (let_go_pending_.exchange(false)) let_go_of_state();
    if (item) {
      auto& [node, batch, read_under] = *item;
      const BatchOrigin origin = batch.origin;
      const std::string& topic = nodes_[node]->reader->topic();
      // Read before a handover that let its partition go without waiting for it: the next
      // owner reads it from the commit. Routed here, it could reach a state this instance
      // no longer holds, and committed, move the next owner's commit back.
      const auto let_go_since = [&, read_under = read_under] {
        return gate_ && gate_->let_go_count() != read_under;
      };
      if (let_go_since() ||
          (nodes_[node]->reads_repartition && !partitioned_->lane(topic, origin.partition))) {
        shared_->batches_routed.fetch_add(1);
        continue;
      }
      std::vector<Batch> ports;
      ports.push_back(std::move(batch));
      route_outputs(node, ports);
      end_round();
      if (origin.partition >= 0 && !let_go_since()) {  // let go of while it was routed
        routed_offsets_[topic][origin.partition] = origin.last_offset + 1;
        shared_->commits->routed(topic, origin.partition, origin.last_offset + 1);
      }
      shared_->batches_routed.fetch_add(1);
    } else if (closed) {
      break;
    }
    // A handover that gave up waiting for this thread while it routed: before any tick
    // or checkpoint touches state that is another instance's now.
    if (let_go_pending_.exchange(false)) let_go_of_state();
    // A standby instance holds no state of its own: its transforms neither close windows
    // nor checkpoint.
    const int64_t now = steady_now_us();
    if (!active_.load()) {
      next_tick = now + kTickUs;
      continue;
    }
    if (now >= next_tick) {
      tick_transforms(now);
      next_tick = now + kTickUs;
    }
    if ((checkpoints_ || partitioned_) && now >= next_checkpoint) {
      take_checkpoint();
      next_checkpoint = now + checkpoint_interval_us_;
    }
  }
  std::lock_guard lock(transform_mutex_);
  if (let_go_pending_.exchange(false)) let_go_of_state();
  if (!active_.load()) return;
  if (input_ended_.load()) flush_transforms();
  if (checkpoints_ || partitioned_) take_checkpoint();
}

void Pipeline::tick_transforms(int64_t now_us) {
  for (size_t n : transform_order_) {
    Node& node = *nodes_[n];
    for_each_instance(node, [&](transform::Transform& t) {
      Batch empty;
      std::vector<Batch> ports(node.ports.size(), empty.derive());
      transform::TransformOutputs outputs(ports, node.config->name, *node.stats);
      t.on_tick(now_us, outputs);
      route_outputs(n, ports);
    });
  }
  end_round();
}

void Pipeline::end_round() {
  for (size_t n : round_sinks_) {
    Node& node = *nodes_[n];
    for (auto& batch : node.round.take()) node.sink->push(std::move(batch));
  }
  round_sinks_.clear();
}

void Pipeline::route_outputs(size_t node, std::vector<Batch>& ports) {
  Node& from = *nodes_[node];
  for (size_t port = 0; port < ports.size(); ++port) {
    if (ports[port].empty()) continue;
    const auto& readers = from.consumers[port];
    if (readers.empty()) {
      // Counted, and logged now and then: an output nobody reads is a choice, never a silent loss.
      from.stats->add_discarded(ports[port].size());
      if (from.unread_warnings++ % 1000 == 0) {
        spdlog::warn("{} \"{}\": {} events on output \"{}\" that nobody reads were discarded",
                     component_kind_name(from.config->kind), from.config->name, ports[port].size(),
                     from.ports[port].empty() ? "(default)" : from.ports[port]);
      }
      continue;
    }
    auto shared = std::make_shared<const Batch>(std::move(ports[port]));
    for (size_t reader : readers) deliver(reader, shared);
  }
}

void Pipeline::deliver(size_t node, const std::shared_ptr<const Batch>& batch) {
  Node& to = *nodes_[node];
  if (to.sink) {
    std::shared_ptr<const Batch> allowed = to.guard ? guard_sink(node, batch) : batch;
    if (!allowed) return;
    if (to.round.empty()) round_sinks_.push_back(node);
    to.round.add(allowed);
    return;
  }
  if (!to.resumed_below.empty() && batch->origin.partition >= 0) {
    auto below = to.resumed_below.find({batch->origin.source, batch->origin.partition});
    if (below != to.resumed_below.end()) {
      if (batch->origin.last_offset < below->second) return;  // already in the restored state
      to.resumed_below.erase(below);
    }
  }
  transform::Transform* transform = to.transform.get();
  std::shared_ptr<const Batch> input = batch;
  if (!to.lanes_topic.empty()) {
    transform = lane_input(to, &input);
    if (transform == nullptr) return;
  }
  std::vector<Batch> ports(to.ports.size(), input->derive());
  transform::TransformOutputs outputs(ports, to.config->name, *to.stats);
  const int64_t started = steady_now_us();
  const int64_t started_ns = input->origin.traces.empty() ? 0 : observe::unix_now_ns();
  transform->process(*input, outputs);
  to.stats->batch_seconds.observe_us(steady_now_us() - started);
  to.stats->add_batch();
  if (started_ns != 0 && options_.tracer) trace_transform(to, *input, ports, started_ns);
  if (!to.lanes_topic.empty()) count_lane_state(to);
  route_outputs(node, ports);
}

// What of `batch` the sink may hold (the batch itself when all of it); the rest goes
// to its "rejected" output, wrapped as a dead letter with the reason.
std::shared_ptr<const Batch> Pipeline::guard_sink(size_t node,
                                                  const std::shared_ptr<const Batch>& batch) {
  Node& to = *nodes_[node];
  // Made at the first refusal: a batch the sink may hold whole costs only the scan.
  std::optional<Batch> kept;
  std::vector<Batch> ports;  // the sink's one output, "rejected"
  for (size_t i = 0; i < batch->events.size(); ++i) {
    const Event& event = batch->events[i];
    const std::string reason = to.guard->check(event.fields);
    if (reason.empty()) {
      if (kept) kept->events.push_back(event);
      continue;
    }
    if (!kept) {
      kept.emplace(batch->derive());
      kept->events.assign(batch->events.begin(), batch->events.begin() + static_cast<long>(i));
      ports.assign(to.ports.size(), batch->derive());
    }
    Batch& rejected = ports.front();
    rejected.events.push_back(dead_letter_event(rejected.arena(), to.config->name, reason, event));
    if (to.refusal_warnings++ % 1000 == 0) {
      spdlog::warn("sink \"{}\": refused an event: {}", to.config->name, reason);
    }
  }
  if (!kept) return batch;
  to.stats->add_dead_lettered(ports.front().size());
  route_outputs(node, ports);
  if (kept->empty()) return nullptr;
  return std::make_shared<const Batch>(std::move(*kept));
}

// One span per trace of the batch; what the transform emitted continues from it.
void Pipeline::trace_transform(const Node& node, const Batch& in, std::vector<Batch>& ports,
                               int64_t started_ns) {
  observe::Span details;
  details.attribute("sluice.component", node.config->name)
      .attribute("sluice.type", node.config->type)
      .attribute("sluice.events_in", static_cast<int64_t>(in.size()));
  int64_t out = 0;
  for (const Batch& b : ports) out += static_cast<int64_t>(b.size());
  details.attribute("sluice.events_out", out);
  std::vector<TraceContext> children;
  options_.tracer->record_stage(in.origin.traces, "transform " + node.config->name, started_ns,
                                observe::unix_now_ns(), details, &children);
  for (Batch& b : ports) b.origin.traces = children;
}

void Pipeline::flush_transforms() {
  for (size_t n : transform_order_) {
    Node& node = *nodes_[n];
    for_each_instance(node, [&](transform::Transform& t) {
      Batch empty;
      std::vector<Batch> ports(node.ports.size(), empty.derive());
      transform::TransformOutputs outputs(ports, node.config->name, *node.stats);
      t.flush(outputs);
      route_outputs(n, ports);
    });
  }
  end_round();
}

}  // namespace sluice::runtime
