// Pipeline: stateful transforms whose state is split by partition among the
// instances of a group (partitioned_state.h, repartition_plan.h).
#include <spdlog/spdlog.h>

#include "runtime/log_setup.h"
#include "runtime/pipeline_parts.h"
#include "runtime/repartition_plan.h"

namespace sluice::runtime {

Status Pipeline::add_lanes(const RepartitionPlan& plan, const Registry& registry,
                           const log::KeyRing& keys) {
  for (const RepartitionedTransform& t : plan.transforms) {
    const ComponentConfig* config = config_.find(t.transform);
    Node* node = nullptr;
    for (auto& n : nodes_) {
      if (n->config == config) node = n.get();
    }
    const log::TopicConfig changelog =
        CheckpointStore::topic_config(t.changelog, t.topic.partitions);
    if (Status s = log_->ensure_topic(changelog); !s.is_ok())
      return s.with_context("the changelog of transform \"" + t.transform + "\"");
    std::vector<std::unique_ptr<CheckpointStore>> stores;
    for (int32_t p = 0; p < t.topic.partitions; ++p) {
      stores.push_back(std::make_unique<CheckpointStore>(*log_, changelog.name, p));
      if (Status s = stores.back()->encrypt_with(keys, state_key_id(config_)); !s.is_ok())
        return s.with_context("log");
    }
    // Each lane waits only for its own partition's event time (window watermarks).
    auto make = [this, config, stats = node->stats, source = t.source,
                 factory = registry.transform(config->type)->make](int32_t partition) {
      BuildContext ctx{*config, config_, *stats};
      ctx.input_partitions = {{source, partition}};
      return factory(ctx);
    };
    partitioned_->add(t.transform, t.topic.name, std::move(make), std::move(stores));
    spdlog::info(
        "transform \"{}\": state split into the {} partitions of {} by {}, checkpoints in {}",
        t.transform, t.topic.partitions, t.topic.name,
        t.key.empty() ? std::string("(one key: all in one partition)") : [&] {
          std::string k;
          for (const FieldPath& f : t.key) k += (k.empty() ? "" : ", ") + f.to_string();
          return k;
        }(),
        changelog.name);
  }
  return Status::ok();
}

transform::Transform* Pipeline::lane_input(Node& to, std::shared_ptr<const Batch>* input) {
  const Batch& in = **input;
  PartitionedState::Lane* lane = partitioned_->lane(to.lanes_topic, in.origin.partition);
  if (lane == nullptr) return nullptr;  // let go of (pipeline_loop leaves those batches out)
  PartitionedState::Lane& l = *lane;
  if (l.resumed_below >= 0) {
    if (in.origin.last_offset < l.resumed_below) return nullptr;  // already in the restored state
    l.resumed_below = -1;
  }
  // Events an upstream replay appended again are already in the state: left out.
  std::optional<Batch> kept;
  for (size_t i = 0; i < in.upstream.size() && i < in.events.size(); ++i) {
    if (l.marks.first_time(in.upstream[i])) {
      if (kept) kept->events.push_back(in.events[i]);
    } else if (!kept) {
      kept.emplace(in.derive());
      kept->events.assign(in.events.begin(), in.events.begin() + static_cast<long>(i));
    }
  }
  if (kept) {
    to.stats->add_already_written(in.events.size() - kept->events.size());
    *input = std::make_shared<const Batch>(std::move(*kept));
  }
  return l.transform.get();
}

void Pipeline::for_each_instance(Node& node,
                                 const std::function<void(transform::Transform&)>& each) {
  if (node.lanes_topic.empty()) {
    each(*node.transform);
    return;
  }
  partitioned_->for_each_lane(node.lanes_topic,
                              [&](PartitionedState::Lane& lane) { each(*lane.transform); });
  count_lane_state(node);
}

void Pipeline::count_lane_state(Node& node) {
  // Each lane sets the shared gauge to its own count; the transform's is all of them.
  uint64_t entries = 0;
  partitioned_->for_each_lane(node.lanes_topic, [&](PartitionedState::Lane& lane) {
    entries += lane.transform->state_entries();
  });
  node.stats->set_state_entries(entries);
}

void Pipeline::count_all_lane_state() {
  for (auto& node : nodes_) {
    if (!node->lanes_topic.empty()) count_lane_state(*node);
  }
}

bool Pipeline::repartition_settled() const {
  if (shared_->batches_routed.load() < shared_->batches_queued.load()) return false;
  for (const auto& node : nodes_) {
    if (node->sink && node->config->type == kRepartitionType &&
        node->sink->durable() < node->sink->given())
      return false;
  }
  return true;
}

Result<std::vector<log::TopicPartition>> Pipeline::assign_lanes(
    const std::vector<log::TopicPartition>& assigned) {
  std::lock_guard lock(transform_mutex_);
  let_go_pending_ = false;  // what it would have let go is replaced now
  auto restored = partitioned_->assign(assigned);
  if (!restored) return restored.status();
  for (const std::string& topic : partitioned_->topics()) routed_offsets_.erase(topic);
  for (const PartitionedState::Restored& r : *restored) {
    auto committed = log_->committed(group_, r.topic, r.partition);
    if (!committed) return committed.status().with_context("log");
    if (*committed < r.offset) {
      for (auto& node : nodes_) {
        if (node->reader && node->reader->topic() == r.topic)
          node->reader->split_at(r.partition, r.offset);
      }
    } else if (*committed > r.offset) {
      spdlog::warn(
          "topic {} partition {}: committed offset {} is past the checkpoint's {}: the {} events "
          "between are not in the restored state",
          r.topic, r.partition, *committed, r.offset, *committed - r.offset);
    }
  }
  count_all_lane_state();
  if (partitioned_->lanes() > 0)
    spdlog::info("restored the state of {} partition(s) ({} from a checkpoint)",
                 partitioned_->lanes(), restored->size());
  return assigned;
}

void Pipeline::checkpoint_lanes(int64_t deadline_us) {
  std::unique_lock<std::timed_mutex> lock(transform_mutex_, std::defer_lock);
  if (!lock_by(lock, deadline_us, "the state of its partitions")) return;
  take_checkpoint();  // the state so far, for whichever instance gets each partition next
  partitioned_->drop_all();
  for (const std::string& topic : partitioned_->topics()) routed_offsets_.erase(topic);
  count_all_lane_state();
}

}  // namespace sluice::runtime
