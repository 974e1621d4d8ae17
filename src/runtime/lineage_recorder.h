// LineageRecorder: turns each offset commit into an entry of the lineage ledger
// (governance/chained_ledger.h): the input ranges committed, and for every sink its
// output, the events it made durable since the previous entry, its sources and the
// chain of transforms between them with each one's type and configuration hash.
//
// A failed append is logged and retried with the next commit's entry, which then
// covers both: the ledger may merge commits, it never skips one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/pipeline_config.h"
#include "governance/chained_ledger.h"
#include "runtime/commit_tracker.h"
#include "runtime/sink_runner.h"

namespace sluice::runtime {

class LineageRecorder {
 public:
  struct SinkInfo {
    const ComponentConfig* config;
    const SinkRunner* runner;
  };
  LineageRecorder(const PipelineConfig& config, std::string group,
                  std::unique_ptr<governance::ChainedLedger> ledger, std::vector<SinkInfo> sinks);

  // From the committing thread (CommitTracker::on_commit).
  void record(const std::vector<CommitTracker::CommittedRange>& ranges);

 private:
  struct SinkLine {
    SinkInfo info;
    std::string output;                         // file or directory, database#table, or the type
    std::vector<std::string> sources;           // source components upstream
    std::vector<std::string> topics;            // the log topics they append to
    std::vector<const ComponentConfig*> chain;  // transforms upstream, in file order
    uint64_t recorded_events = 0;               // durable events already in an entry
  };

  const PipelineConfig& config_;
  std::string group_;
  std::string config_hash_;
  std::unique_ptr<governance::ChainedLedger> ledger_;
  std::vector<SinkLine> sinks_;
  std::vector<CommitTracker::CommittedRange> unrecorded_;  // ranges of failed appends
};

}  // namespace sluice::runtime
