// UpstreamMarks: tells an event read from a repartition topic for the first time
// from one an upstream replay appended again.
//
// The graph upstream of a repartition topic commits its input only once the topic
// has its events, so a crash or a handover replays events that may already be in
// it: the same upstream record (source, partition, offset, ordinal among the events
// of that record) appended twice. Each writer appends a source partition's events in
// offset order, so per source partition every position at or below the highest one
// seen was seen before. The marks are part of a partition's checkpoint, so a restart
// or another instance knows them too.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/batch.h"
#include "core/status.h"

namespace sluice::runtime {

class UpstreamMarks {
 public:
  // True the first time `position` is seen (and notes it); false for a replay.
  // Positions without an identity (offset −1) are always new.
  bool first_time(const UpstreamPosition& position);

  void save(std::string* out) const;
  Status load(std::string_view bytes);
  size_t size() const { return highest_.size(); }

 private:
  using Key = std::pair<std::string, int32_t>;
  using Mark = std::pair<int64_t, uint32_t>;  // offset, ordinal
  // Orders keys and (source view, partition) alike: lookups build no string.
  struct Less {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const int c = std::string_view(a.first).compare(std::string_view(b.first));
      return c < 0 || (c == 0 && a.second < b.second);
    }
  };
  std::map<Key, Mark, Less> highest_;
};

}  // namespace sluice::runtime
