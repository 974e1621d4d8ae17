// The dashboard's page, script, style sheet and icon, embedded in the binary at build
// time (embed_assets.cmake) from index.html, dashboard.js, dashboard.css and favicon.svg.
#pragma once

#include <span>
#include <string_view>

namespace sluice::observe {

struct DashboardAsset {
  std::string_view path;  // "/" for index.html, else "/<file name>"
  std::string_view content_type;
  std::string_view body;
};

std::span<const DashboardAsset> dashboard_assets();

}  // namespace sluice::observe
