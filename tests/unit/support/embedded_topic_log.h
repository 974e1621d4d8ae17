// Test support: an embedded log in a directory with one topic "t" ensured.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "log/embedded_log.h"

namespace sluice::testing {

inline std::unique_ptr<log::EmbeddedLog> open_log_with_topic(const std::string& dir,
                                                             int32_t partitions) {
  log::EmbeddedLogOptions options;
  options.dir = dir;
  auto log = std::move(log::EmbeddedLog::open(options)).value();
  log::TopicConfig topic;
  topic.name = "t";
  topic.partitions = partitions;
  EXPECT_TRUE(log->ensure_topic(topic).is_ok());
  return log;
}

}  // namespace sluice::testing
