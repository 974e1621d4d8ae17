// TopView: what `sluice top` draws, from two readings of /api/v1/components.
//
// Rates are differences of the counters between the two readings divided by the
// time between them, so they are exact over that interval whatever the refresh
// rate. Pure: tested without a terminal or a server.
#pragma once

#include <string>

#include "core/status.h"

namespace sluice::cli {

struct TopOptions {
  bool color = false;  // ANSI colours for unhealthy sinks and growing backlog
  size_t width =
      0;  // terminal columns, to cut long names and errors to; 0: never cut (pipes, files)
};

// `previous` may be empty (the first reading): rates are then shown as "-".
Result<std::string> render_top(const std::string& previous_json, const std::string& current_json,
                               const TopOptions& options);

}  // namespace sluice::cli
