// MockKafkaCluster: librdkafka's in-process mock brokers, which speak the Kafka
// protocol on loopback ports, for tests of everything sluice does with Kafka.
//
// The brokers run on librdkafka's own thread for as long as the object lives.
// Topics must be created here: the mock brokers do not serve CreateTopics.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sluice::testing {

class MockKafkaCluster {
 public:
  explicit MockKafkaCluster(int brokers = 3) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The handle only hosts the cluster; it talks to no broker.
    rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!owner_) throw std::runtime_error(std::string("mock cluster: ") + error);
    cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
    if (!cluster_) throw std::runtime_error("mock cluster: cannot start the brokers");
  }
  ~MockKafkaCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  std::string bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  void create_topic(const std::string& name, int partitions, int replication = 1) {
    if (rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication))
      throw std::runtime_error("mock cluster: topic " + name + ": " + rd_kafka_err2str(err));
  }
  // Broker ids count from 1.
  void set_down(int32_t broker) { rd_kafka_mock_broker_set_down(cluster_, broker); }
  void set_up(int32_t broker) { rd_kafka_mock_broker_set_up(cluster_, broker); }
  // The next `count` requests of `api_key` (0 Produce, 1 Fetch, 8 OffsetCommit, ...) fail with
  // `error`.
  void fail_requests(int16_t api_key, size_t count, rd_kafka_resp_err_t error) {
    std::vector<rd_kafka_resp_err_t> errors(count, error);
    rd_kafka_mock_push_request_errors_array(cluster_, api_key, count, errors.data());
  }
  void set_leader(const std::string& topic, int32_t partition, int32_t broker) {
    rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker);
  }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace sluice::testing
