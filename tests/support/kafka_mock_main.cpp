// kafka_mock_cluster: Kafka brokers for the integration tests, from librdkafka's
// mock cluster. Prints `bootstrap <host:port,...>` (and writes it to --bootstrap-file),
// then stays up until SIGTERM or SIGINT, taking commands one per line on stdin:
//
//   topic <name> <partitions>        create a topic
//   down <broker> | up <broker>      take a broker (1..N) off the network or back
//   fail <api-key> <count> <ERROR>   the next <count> requests of an API fail, e.g.
//                                    `fail 0 5 NOT_LEADER_FOR_PARTITION` (0 is Produce)
//   leader <topic> <partition> <broker>
//
// Each command answers `ok` or `error: ...` on stdout. End of stdin is not the end:
// tests feed commands through a FIFO that may close and reopen.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/mock_kafka_cluster.h"

namespace {

volatile std::sig_atomic_t stop = 0;
void on_signal(int) {
  stop = 1;
}

bool error_named(const std::string& name, rd_kafka_resp_err_t* out) {
  const rd_kafka_err_desc* descs = nullptr;
  size_t n = 0;
  rd_kafka_get_err_descs(&descs, &n);
  for (size_t i = 0; i < n; ++i) {
    if (descs[i].name && name == descs[i].name) {
      *out = descs[i].code;
      return true;
    }
  }
  return false;
}

std::string run(sluice::testing::MockKafkaCluster& cluster, const std::string& line) {
  std::istringstream in(line);
  std::string verb;
  in >> verb;
  try {
    if (verb == "topic") {
      std::string name;
      int partitions = 0;
      if (!(in >> name >> partitions) || partitions < 1) return "error: topic <name> <partitions>";
      cluster.create_topic(name, partitions);
    } else if (verb == "down" || verb == "up") {
      int broker = 0;
      if (!(in >> broker)) return "error: " + verb + " <broker>";
      verb == "down" ? cluster.set_down(broker) : cluster.set_up(broker);
    } else if (verb == "fail") {
      int api = 0;
      size_t count = 0;
      std::string name;
      rd_kafka_resp_err_t err;
      if (!(in >> api >> count >> name)) return "error: fail <api-key> <count> <ERROR_NAME>";
      if (!error_named(name, &err)) return "error: no Kafka error named " + name;
      cluster.fail_requests(static_cast<int16_t>(api), count, err);
    } else if (verb == "leader") {
      std::string topic;
      int partition = 0, broker = 0;
      if (!(in >> topic >> partition >> broker))
        return "error: leader <topic> <partition> <broker>";
      cluster.set_leader(topic, partition, broker);
    } else if (!verb.empty()) {
      return "error: unknown command " + verb;
    } else {
      return "";
    }
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  return "ok";
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  std::string bootstrap_file;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (arg == "--bootstrap-file" && i + 1 < argc) {
      bootstrap_file = argv[++i];
    } else if (arg == "--topic" && i + 1 < argc) {
      const std::string spec = argv[++i];
      const size_t colon = spec.rfind(':');
      topics.emplace_back(spec.substr(0, colon),
                          colon == std::string::npos ? 1 : std::atoi(spec.c_str() + colon + 1));
    } else {
      std::fprintf(stderr,
                   "usage: kafka_mock_cluster [--brokers N] [--topic NAME:PARTITIONS]... "
                   "[--bootstrap-file FILE]\n");
      return 2;
    }
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  sluice::testing::MockKafkaCluster cluster(brokers);
  for (const auto& [name, partitions] : topics) cluster.create_topic(name, partitions);
  const std::string address = cluster.bootstrap();
  if (!bootstrap_file.empty()) {
    // Written whole, then renamed: a reader never sees half an address.
    const std::string tmp = bootstrap_file + ".tmp";
    std::ofstream(tmp) << address << "\n";
    std::rename(tmp.c_str(), bootstrap_file.c_str());
  }
  std::printf("bootstrap %s\n", address.c_str());
  std::fflush(stdout);

  std::thread commands([&cluster] {
    std::string line;
    for (;;) {
      while (std::getline(std::cin, line)) {
        const std::string answer = run(cluster, line);
        if (!answer.empty()) std::printf("%s\n", answer.c_str());
        std::fflush(stdout);
      }
      std::cin.clear();
      usleep(100'000);  // end of input: wait for a writer to come back
    }
  });
  commands.detach();
  while (!stop) usleep(50'000);
  std::printf("stopping\n");
  std::fflush(stdout);
  _exit(0);  // the command thread may still read stdin: leave without tearing the brokers down
             // under it
}
