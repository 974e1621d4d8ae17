#include "runtime/partitioned_state.h"

namespace sluice::runtime {

namespace {
constexpr const char* kState = "state";
constexpr const char* kUpstream = "upstream";
}  // namespace

void PartitionedState::add(const std::string& transform, const std::string& repartition_topic,
                           MakeLane make, std::vector<std::unique_ptr<CheckpointStore>> changelog) {
  Stateful& s = by_topic_[repartition_topic];
  s.transform = transform;
  s.make = std::move(make);
  s.changelog = std::move(changelog);
  topics_.insert(repartition_topic);
}

std::string PartitionedState::state_name(const std::string& topic, int32_t partition) {
  return topic + "/" + std::to_string(partition);
}

PartitionedState::Lane* PartitionedState::lane(const std::string& topic, int32_t partition) {
  auto s = by_topic_.find(topic);
  if (s == by_topic_.end()) return nullptr;
  auto it = s->second.lanes.find(partition);
  return it == s->second.lanes.end() ? nullptr : &it->second;
}

void PartitionedState::for_each_lane(const std::string& topic,
                                     const std::function<void(Lane&)>& each) {
  auto s = by_topic_.find(topic);
  if (s == by_topic_.end()) return;
  for (auto& [partition, lane] : s->second.lanes) each(lane);
}

Result<PartitionedState::Lane> PartitionedState::restore(Stateful& s, const std::string& topic,
                                                         int32_t partition, int64_t* offset) const {
  *offset = -1;
  Lane lane;
  auto made = s.make(partition);
  if (!made) return made.status();
  lane.transform = std::move(made).value();
  if (partition < 0 || static_cast<size_t>(partition) >= s.changelog.size())
    return Status::invalid("partition " + std::to_string(partition) + " of " + topic +
                           " has no changelog");
  const CheckpointStore& store = *s.changelog[static_cast<size_t>(partition)];
  auto loaded = store.load();
  if (!loaded) return loaded.status();
  if (!*loaded) return lane;
  const Checkpoint& cp = **loaded;
  auto state = cp.states.find(kState);
  auto marks = cp.states.find(kUpstream);
  auto at = cp.offsets.find(topic);
  if (state == cp.states.end() || marks == cp.states.end() || at == cp.offsets.end() ||
      !at->second.count(partition)) {
    return Status::corruption("checkpoint " + store.path() + " is not one of " + topic);
  }
  if (Status st = lane.transform->load_state(state->second); !st.is_ok()) {
    return Status::invalid("transform \"" + s.transform + "\" cannot resume from checkpoint " +
                           store.path() + ": " + st.message());
  }
  if (Status st = lane.marks.load(marks->second); !st.is_ok())
    return st.with_context("checkpoint " + store.path());
  *offset = at->second.at(partition);
  lane.resumed_below = *offset;
  return lane;
}

Result<std::vector<PartitionedState::Restored>> PartitionedState::assign(
    const std::vector<log::TopicPartition>& assigned) {
  drop_all();
  std::vector<Restored> restored;
  for (const log::TopicPartition& tp : assigned) {
    auto s = by_topic_.find(tp.topic);
    if (s == by_topic_.end()) continue;
    int64_t offset = -1;
    auto lane = restore(s->second, tp.topic, tp.partition, &offset);
    if (!lane) return lane.status().with_context("transform \"" + s->second.transform + "\"");
    s->second.lanes[tp.partition] = std::move(lane).value();
    if (offset >= 0) restored.push_back({tp.topic, tp.partition, offset});
  }
  return restored;
}

void PartitionedState::drop_all() {
  for (auto& [topic, s] : by_topic_) s.lanes.clear();
}

size_t PartitionedState::lanes() const {
  size_t n = 0;
  for (const auto& [topic, s] : by_topic_) n += s.lanes.size();
  return n;
}

Checkpoint PartitionedState::cut(uint64_t sequence,
                                 const std::map<std::string, std::map<int32_t, int64_t>>& routed) {
  Checkpoint cut;
  cut.sequence = sequence;
  for (auto& [topic, s] : by_topic_) {
    auto offsets = routed.find(topic);
    if (offsets == routed.end()) continue;
    for (auto& [partition, lane] : s.lanes) {
      auto next = offsets->second.find(partition);
      if (next == offsets->second.end() || next->second == lane.cut_at) continue;
      lane.cut_at = next->second;
      cut.offsets[topic][partition] = next->second;
      const std::string name = state_name(topic, partition);
      lane.transform->save_state(&cut.states[name]);
      lane.marks.save(&cut.states[name + "/" + kUpstream]);
    }
  }
  return cut;
}

Status PartitionedState::save(const Checkpoint& cut) {
  for (const auto& [topic, partitions] : cut.offsets) {
    auto s = by_topic_.find(topic);
    if (s == by_topic_.end()) continue;
    for (const auto& [partition, next] : partitions) {
      if (partition < 0 || static_cast<size_t>(partition) >= s->second.changelog.size()) continue;
      const std::string name = state_name(topic, partition);
      Checkpoint part;
      part.sequence = cut.sequence;
      part.offsets[topic][partition] = next;
      part.states[kState] = cut.states.at(name);
      part.states[kUpstream] = cut.states.at(name + "/" + kUpstream);
      SLUICE_RETURN_IF_ERROR(s->second.changelog[static_cast<size_t>(partition)]->save(part));
    }
  }
  return Status::ok();
}

}  // namespace sluice::runtime
