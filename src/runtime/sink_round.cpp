#include "runtime/sink_round.h"

#include <algorithm>

namespace sluice::runtime {

std::vector<std::shared_ptr<const Batch>> SinkRound::take() {
  std::vector<std::shared_ptr<const Batch>> out;
  if (batches_.size() == 1) {
    out.swap(batches_);
    return out;
  }
  std::vector<bool> used(batches_.size(), false);
  for (size_t i = 0; i < batches_.size(); ++i) {
    if (used[i]) continue;
    const auto& arena = batches_[i]->shared_arena();
    size_t sharing = 0;
    for (size_t j = i; j < batches_.size(); ++j)
      sharing += batches_[j]->shared_arena() == arena ? 1 : 0;
    if (sharing == 1) {
      out.push_back(std::move(batches_[i]));
      continue;
    }
    Batch merged = batches_[i]->derive();
    for (size_t j = i; j < batches_.size(); ++j) {
      if (used[j] || batches_[j]->shared_arena() != arena) continue;
      used[j] = true;
      merged.events.insert(merged.events.end(), batches_[j]->events.begin(),
                           batches_[j]->events.end());
      // Each path the events took may have its own trace span: keep them all.
      for (const TraceContext& t : batches_[j]->origin.traces) {
        if (std::find(merged.origin.traces.begin(), merged.origin.traces.end(), t) == merged.origin.traces.end())
          merged.origin.traces.push_back(t);
      }
    }
    const auto by_offset = [](const Event& a, const Event& b) { return a.offset < b.offset; };
    if (!std::is_sorted(merged.events.begin(), merged.events.end(), by_offset)) {
      std::stable_sort(merged.events.begin(), merged.events.end(), by_offset);
    }
    out.push_back(std::make_shared<const Batch>(std::move(merged)));
  }
  batches_.clear();
  return out;
}

}  // namespace sluice::runtime
