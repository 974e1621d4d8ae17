#include "observe/dashboard/dashboard_routes.h"

#include <charconv>
#include <string>

#include "observe/dashboard/dashboard_assets.h"

namespace sluice::observe {

namespace {

constexpr size_t kDefaultRows = 50;
constexpr size_t kMaxRows = 1000;

// `limit=N` from the query string; the default when absent or not a number.
size_t row_limit(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return kDefaultRows;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.starts_with("limit=")) {
      size_t n = 0;
      const std::string_view digits = pair.substr(6);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec == std::errc() && end == digits.data() + digits.size() && n > 0) return std::min(n, kMaxRows);
      return kDefaultRows;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return kDefaultRows;
}

}  // namespace

AdminServer::Route dashboard_route(std::vector<HotTable> hot) {
  return [hot = std::move(hot)](const server::HttpRequest& r) -> std::optional<server::HttpResponse> {
    const std::string_view path = r.path();
    if (path == "/api/v1/hot") {
      server::HttpResponse res;
      res.headers.emplace_back("Cache-Control", "no-store");
      res.body = render_hot_tier(hot, row_limit(r.target));
      return res;
    }
    for (const DashboardAsset& asset : dashboard_assets()) {
      if (asset.path != path && !(asset.path == "/" && path == "/index.html")) continue;
      server::HttpResponse res;
      res.content_type = std::string(asset.content_type);
      res.body = std::string(asset.body);
      // The assets change only with the binary; a short cache spares reloads without
      // keeping an old page after an upgrade.
      res.headers.emplace_back("Cache-Control", "max-age=60");
      res.headers.emplace_back("X-Content-Type-Options", "nosniff");
      res.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:");
      return res;
    }
    return std::nullopt;
  };
}

}  // namespace sluice::observe
