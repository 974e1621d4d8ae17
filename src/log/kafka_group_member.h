// KafkaGroupMember: one instance's membership in the Kafka consumer group that
// splits a pipeline's partitions among the instances running it.
//
// The member only coordinates: it joins "<group>.members", subscribed to the
// pipeline's topics, and assigns itself nothing to fetch — the log's reader fetches
// what the listener is told this instance owns. Offsets stay in "<group>", which
// has no members: a commit there needs no generation, so an instance can commit in
// the middle of a rebalance (during a revocation, which is when it matters) and a
// rebalance never fails a commit. The eager protocol (roundrobin) revokes every
// partition before assigning the new shares, so an instance has committed what it
// read before any other instance starts on a partition.
//
// An instance that dies without leaving keeps its share until the brokers time it
// out (session.timeout.ms, 10 s unless set); the others then read from its last
// commit, so what it had read but not committed is read again (at-least-once).
//
// An instance that was only frozen (a paused VM, a starved process) for that long
// wakes up with a share that is no longer its own. librdkafka finds that out from
// its own session clock or a heartbeat's answer, but the pipeline's threads wake up
// too and may commit first. So the member notices the stall itself (its poller,
// which runs every 100 ms, did not run for half the session timeout) and is not
// trusted() until librdkafka had time to tell (two heartbeat intervals and a
// second) or the group assigned a share again. A revocation with the assignment
// lost goes to the listener's lost().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "log/kafka_client.h"
#include "log/log.h"

namespace sluice::log {

class KafkaGroupMember final : public GroupMembership {
 public:
  // `base` carries the brokers and the user's properties. `released` runs after the
  // listener let partitions go (the log stops prefetching them).
  static Result<std::unique_ptr<KafkaGroupMember>> join(
      const KafkaClientSettings& base, const std::string& group,
      const std::vector<std::string>& topics, GroupListener& listener,
      std::function<void(const std::vector<TopicPartition>&)> released);
  ~KafkaGroupMember() override;

  bool trusted() const override;

  static std::string member_group(const std::string& group) { return group + ".members"; }

 private:
  KafkaGroupMember(GroupListener& listener,
                   std::function<void(const std::vector<TopicPartition>&)> released)
      : listener_(listener), released_(std::move(released)) {}
  friend void on_kafka_rebalance(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*,
                                 void*);
  void rebalanced(rd_kafka_t* rk, rd_kafka_resp_err_t event,
                  const rd_kafka_topic_partition_list_t* partitions);

  // The poller's turn: notes a stall since its last turn.
  void poller_ran();

  GroupListener& listener_;
  std::function<void(const std::vector<TopicPartition>&)> released_;
  KafkaHandle consumer_;
  std::atomic<bool> leaving_{false};
  std::thread poller_;
  int64_t stall_us_ = 5'000'000;            // half the session timeout
  int64_t confirm_us_ = 7'000'000;          // after a stall, until a heartbeat has been answered
  std::atomic<int64_t> poller_ran_us_{0};   // steady clock
  std::atomic<int64_t> doubt_until_us_{0};  // steady clock
  std::atomic<bool> revoking_{false};       // the group waits for this instance's handover
};

}  // namespace sluice::log
