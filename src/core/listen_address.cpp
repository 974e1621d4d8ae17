#include "core/listen_address.h"

namespace sluice {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::invalid("expected host:port, e.g. 0.0.0.0:8080");
  }
  const std::string_view port = text.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5 ||
      std::stoi(std::string(port)) > 65535) {
    return Status::invalid("\"" + std::string(port) + "\" is not a port number");
  }
  ListenAddress a;
  a.host = std::string(text.substr(0, colon));
  if (a.host.starts_with('[') && a.host.ends_with(']'))
    a.host = a.host.substr(1, a.host.size() - 2);
  a.port = static_cast<uint16_t>(std::stoi(std::string(port)));
  return a;
}

}  // namespace sluice
