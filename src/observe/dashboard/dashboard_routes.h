// The dashboard on the admin address: its page and assets (GET /, /dashboard.js,
// /dashboard.css, /favicon.svg) and the hot tier's newest rows (GET /api/v1/hot?limit=N, at most
// 1000, default 50).
#pragma once

#include <vector>

#include "observe/admin_server.h"
#include "observe/dashboard/hot_tier.h"

namespace sluice::observe {

AdminServer::Route dashboard_route(std::vector<HotTable> hot);

}  // namespace sluice::observe
