// PartitionHandover: what an instance does when the group moves partitions.
//
// On revocation it closes the read gate, waits until the readers are parked, the
// pipeline thread has routed every batch they read and each sink has made durable
// what it was given, then commits — so the next owner starts where this one
// stopped. A sink that cannot make its part durable within the timeout (down, or
// holding output until a file closes) does not hold the group up: what it holds
// is left uncommitted and read again by the next owner (at-least-once), and the
// commit tracker forgets those partitions' pending offsets, so this instance never
// commits for a partition after letting it go. On assignment it opens the gate with
// the new share. Lost partitions (taken while this instance did not answer) are let
// go the same way but without the commit and without a last checkpoint: another
// instance has read on from the last commit already.
//
// Hooks adapt it to pipelines with stateful transforms: `to_read` turns an
// assignment into the partitions to read, after restoring their state (split by
// partition: the lanes of the repartition partitions given; active/standby: every
// partition when this instance became the active one, none otherwise), and `quiet`
// runs once nothing more is read or routed, before the wait for the sinks (the last
// checkpoint).
//
// Called from the group membership's thread (log.h GroupListener).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "log/log.h"
#include "runtime/commit_tracker.h"
#include "runtime/read_gate.h"
#include "runtime/sink_runner.h"

namespace sluice::runtime {

struct HandoverHooks {
  std::function<bool(int64_t)> routed_all;  // true once every batch read went through the graph
  std::function<Result<std::vector<log::TopicPartition>>(const std::vector<log::TopicPartition>&)>
      to_read;                                // empty: read what was assigned
  // Once nothing more is read or routed, or at `deadline_us` (steady clock) when the
  // pipeline is stuck behind a full sink; must return by then. May be empty.
  std::function<void(int64_t deadline_us)> quiet;
  // The partitions were lost (another instance may hold them already): the state
  // read from them is dropped without a checkpoint, by `deadline_us` or as soon as
  // the pipeline thread is free. May be empty.
  std::function<void(int64_t deadline_us)> abandon;
  std::function<void(const Status&)> failed;  // to_read failed: the pipeline cannot go on
};

class PartitionHandover final : public log::GroupListener {
 public:
  PartitionHandover(ReadGate& gate, CommitTracker& commits, std::vector<SinkRunner*> sinks,
                    HandoverHooks hooks, int64_t timeout_us, const std::atomic<bool>& stopping)
      : gate_(gate),
        commits_(commits),
        sinks_(std::move(sinks)),
        hooks_(std::move(hooks)),
        timeout_us_(timeout_us),
        stopping_(stopping) {}

  void assigned(const std::vector<log::TopicPartition>& partitions) override;
  void revoked(const std::vector<log::TopicPartition>& partitions) override;
  void lost(const std::vector<log::TopicPartition>& partitions) override;

  uint64_t handovers() const { return handovers_.load(); }
  // Shares taken from this instance while it did not answer (nothing committed for them).
  uint64_t lost_shares() const { return lost_.load(); }
  // Handovers that let partitions go with output not yet durable (read again elsewhere).
  uint64_t incomplete_handovers() const { return incomplete_.load(); }

 private:
  // True once every sink made durable what it had been given when this was called.
  bool sinks_durable(int64_t deadline_us) const;

  ReadGate& gate_;
  CommitTracker& commits_;
  std::vector<SinkRunner*> sinks_;
  HandoverHooks hooks_;
  int64_t timeout_us_;
  const std::atomic<bool>& stopping_;
  std::vector<log::TopicPartition> reading_;  // what the gate was opened with (membership thread)
  std::atomic<uint64_t> handovers_{0};
  std::atomic<uint64_t> incomplete_{0};
  std::atomic<uint64_t> lost_{0};
};

}  // namespace sluice::runtime
