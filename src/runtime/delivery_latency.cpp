#include "runtime/delivery_latency.h"

namespace sluice::runtime {

void DeliveryLatency::add_topic(const std::string& topic) {
  std::lock_guard lock(mutex_);
  auto& t = topics_[topic];
  if (!t) t = std::make_unique<Topic>();
}

void DeliveryLatency::appended(const std::string& topic, int32_t partition, int64_t first_offset,
                               int64_t last_offset, int64_t steady_us) {
  std::lock_guard lock(mutex_);
  auto t = topics_.find(topic);
  if (t == topics_.end()) return;
  auto& pending = t->second->partitions[partition];
  if (pending.size() >= kMaxPending) pending.pop_front();
  // Appends to one partition from several threads may arrive here out of order;
  // keep the queue sorted so a commit takes exactly the appends below it.
  auto at = pending.end();
  while (at != pending.begin() && std::prev(at)->first_offset > first_offset) --at;
  pending.insert(at, Append{first_offset, last_offset, steady_us});
}

void DeliveryLatency::committed(const std::string& topic, int32_t partition, int64_t next_offset,
                                int64_t steady_us) {
  std::lock_guard lock(mutex_);
  auto t = topics_.find(topic);
  if (t == topics_.end()) return;
  auto p = t->second->partitions.find(partition);
  if (p == t->second->partitions.end()) return;
  auto& pending = p->second;
  while (!pending.empty() && pending.front().first_offset < next_offset) {
    Append& a = pending.front();
    const int64_t last = std::min(a.last_offset, next_offset - 1);
    t->second->histogram.observe_us(steady_us - a.steady_us,
                                    static_cast<uint64_t>(last - a.first_offset + 1));
    if (last < a.last_offset) {  // part of an append committed: the rest waits for a later commit
      a.first_offset = last + 1;
      break;
    }
    pending.pop_front();
  }
}

std::vector<std::pair<std::string, observe::Histogram::Snapshot>> DeliveryLatency::snapshot()
    const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, observe::Histogram::Snapshot>> out;
  for (const auto& [name, topic] : topics_) out.emplace_back(name, topic->histogram.snapshot());
  return out;
}

size_t DeliveryLatency::pending() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [name, topic] : topics_) {
    for (const auto& [partition, appends] : topic->partitions) n += appends.size();
  }
  return n;
}

}  // namespace sluice::runtime
