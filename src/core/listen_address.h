// ListenAddress: "host:port" as written in a pipeline file ("0.0.0.0:8080",
// "[::1]:8686", "127.0.0.1:0" for any free port).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sluice {

struct ListenAddress {
  std::string host;  // without the brackets of an IPv6 address
  uint16_t port = 0;
};

// Errors say what is wrong in words a pipeline file's author understands.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace sluice
