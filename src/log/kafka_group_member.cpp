#include "log/kafka_group_member.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/time.h"

namespace sluice::log {

void on_kafka_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t event,
                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<KafkaGroupMember*>(opaque)->rebalanced(rk, event, partitions);
}

namespace {

void set_rebalance_callback(rd_kafka_conf_t* conf, void* member) {
  rd_kafka_conf_set_rebalance_cb(conf, on_kafka_rebalance);
  rd_kafka_conf_set_opaque(conf, member);
}

std::vector<TopicPartition> to_partitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

// An integer property of a client as librdkafka applies it (the default when unset).
int64_t property_ms(rd_kafka_t* rk, const char* name, int64_t fallback) {
  char value[64];
  size_t size = sizeof value;
  if (rd_kafka_conf_get(rd_kafka_conf(rk), name, value, &size) != RD_KAFKA_CONF_OK) return fallback;
  return std::strtoll(value, nullptr, 10);
}

std::string describe(const std::vector<TopicPartition>& partitions) {
  std::string text;
  for (const TopicPartition& tp : partitions) {
    if (!text.empty()) text += ' ';
    text += tp.topic + '/' + std::to_string(tp.partition);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

Result<std::unique_ptr<KafkaGroupMember>> KafkaGroupMember::join(
    const KafkaClientSettings& base, const std::string& group,
    const std::vector<std::string>& topics, GroupListener& listener,
    std::function<void(const std::vector<TopicPartition>&)> released) {
  std::unique_ptr<KafkaGroupMember> member(new KafkaGroupMember(listener, std::move(released)));
  KafkaClientSettings settings = base;
  settings.subject = "log: group \"" + member_group(group) + "\"";
  settings.required = {{"group.id", member_group(group)},
                       {"partition.assignment.strategy", "roundrobin"},
                       {"enable.auto.commit", "false"},
                       {"enable.auto.offset.store", "false"},
                       {"allow.auto.create.topics", "false"}};
  // A member killed without leaving holds its partitions until it times out.
  if (!has_property(base.user, "session.timeout.ms"))
    settings.required.insert(settings.required.begin(), {"session.timeout.ms", "10000"});
  auto made = make_kafka_client(RD_KAFKA_CONSUMER, settings, set_rebalance_callback, member.get());
  if (!made) return made.status();
  member->consumer_ = std::move(made).value();
  rd_kafka_t* rk = member->consumer_.get();
  member->stall_us_ = property_ms(rk, "session.timeout.ms", 10'000) * 1000 / 2;
  member->confirm_us_ = (2 * property_ms(rk, "heartbeat.interval.ms", 3'000) + 1'000) * 1000;
  member->poller_ran_us_ = steady_now_us();
  rd_kafka_poll_set_consumer(rk);
  PartitionList subscription(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics)
    rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subscription.get()))
    return kafka_status(err, settings.subject + ": subscribing");
  member->poller_ = std::thread([m = member.get(), rk] {
    uint64_t errors = 0;
    while (!m->leaving_.load()) {
      m->poller_ran();
      // Nothing is fetched (nothing is assigned): polls serve rebalances and errors.
      rd_kafka_message_t* message = rd_kafka_consumer_poll(rk, 100);
      if (message == nullptr) continue;
      if (message->err && errors++ % 100 == 0)
        spdlog::warn("log: group member: {}", rd_kafka_message_errstr(message));
      rd_kafka_message_destroy(message);
    }
  });
  spdlog::info("log: joined group \"{}\" for {} topic(s)", member_group(group), topics.size());
  return member;
}

void KafkaGroupMember::poller_ran() {
  const int64_t now = steady_now_us();
  const int64_t stalled = now - poller_ran_us_.exchange(now);
  if (stalled <= stall_us_) return;
  doubt_until_us_ = now + confirm_us_;
  spdlog::warn(
      "log: this instance stalled for {} ms, long enough for the brokers to time it out: no "
      "offsets or checkpoints for {} ms, until the group confirmed its share or took it",
      stalled / 1000, confirm_us_ / 1000);
}

bool KafkaGroupMember::trusted() const {
  if (revoking_.load()) return true;  // the group waits for this handover before moving on
  const int64_t now = steady_now_us();
  // A poller that has not run for that long: this process was frozen, and may be
  // waking up now, before the poller could notice.
  if (now - poller_ran_us_.load() > stall_us_) return false;
  return now >= doubt_until_us_.load();
}

void KafkaGroupMember::rebalanced(rd_kafka_t* rk, rd_kafka_resp_err_t event,
                                  const rd_kafka_topic_partition_list_t* partitions) {
  poller_ran();  // a rebalance may be the first thing the poller serves after a stall
  const std::vector<TopicPartition> list = to_partitions(partitions);
  if (event == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // An empty assignment on purpose: the log's reader fetches, this client does not.
    PartitionList none(rd_kafka_topic_partition_list_new(0));
    rd_kafka_assign(rk, none.get());
    doubt_until_us_ = 0;  // the group has just confirmed this share
    if (leaving_.load()) return;
    spdlog::info("log: this instance now reads {}", describe(list));
    listener_.assigned(list);
    poller_ran_us_ = steady_now_us();  // restoring state took its time, not a stall
    return;
  }
  if (event != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
    spdlog::error("log: group rebalance failed: {}", kafka_error_text(event));
  if (!leaving_.load()) {
    if (rd_kafka_assignment_lost(rk)) {
      spdlog::warn("log: lost {} (the group moved them while this instance did not answer)",
                   describe(list));
      listener_.lost(list);
    } else {
      spdlog::info("log: handing over {}", describe(list));
      revoking_ = true;
      listener_.revoked(list);
      revoking_ = false;
    }
    if (released_) released_(list);
  }
  rd_kafka_assign(rk, nullptr);
  poller_ran_us_ = steady_now_us();  // the handover took its time, not a stall
}

KafkaGroupMember::~KafkaGroupMember() {
  leaving_ = true;
  if (poller_.joinable()) poller_.join();
  // Leaves the group at once, so the others take over without waiting for a timeout.
  if (consumer_) rd_kafka_consumer_close(consumer_.get());
}

}  // namespace sluice::log
