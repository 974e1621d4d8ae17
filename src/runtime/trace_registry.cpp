#include "runtime/trace_registry.h"

#include <chrono>

namespace sluice::runtime {

void TraceRegistry::add(const std::string& topic, int32_t partition, int64_t first_offset, int64_t last_offset,
                        const TraceContext& context) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kCapacity) entries_.pop_front();
  entries_.push_back({topic, partition, first_offset, last_offset, context});
}

void TraceRegistry::begin_append(const std::string& topic) {
  std::lock_guard lock(mutex_);
  ++appending_[topic];
}

void TraceRegistry::end_append(const std::string& topic) {
  {
    std::lock_guard lock(mutex_);
    auto it = appending_.find(topic);
    if (it != appending_.end() && --it->second <= 0) appending_.erase(it);
  }
  appended_.notify_all();
}

std::vector<TraceContext> TraceRegistry::find(const std::string& topic, int32_t partition, int64_t first_offset,
                                              int64_t last_offset, int64_t wait_us) const {
  std::vector<TraceContext> out;
  std::unique_lock lock(mutex_);
  if (wait_us > 0) {
    appended_.wait_for(lock, std::chrono::microseconds(wait_us), [&] { return !appending_.count(topic); });
  }
  for (const Entry& e : entries_) {
    if (e.partition == partition && e.first_offset <= last_offset && first_offset <= e.last_offset && e.topic == topic) {
      out.push_back(e.context);
    }
  }
  return out;
}

bool TraceRegistry::active() const {
  std::lock_guard lock(mutex_);
  return !entries_.empty() || !appending_.empty();
}

}  // namespace sluice::runtime
