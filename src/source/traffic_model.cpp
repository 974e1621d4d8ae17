#include "source/traffic_model.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/time.h"
#include "source/random.h"

namespace sluice::source {
namespace {

struct Route {
  const char* path;
  const char* method;
  double median_latency_ms;
  double latency_sigma;
  double error_rate;
  double median_bytes;
  double weight;
};

struct Service {
  const char* name;
  double weight;
  bool has_phone;
  bool has_card;
  std::vector<Route> routes;
};

// The simulated fleet. Weights are relative traffic shares.
const std::vector<Service>& fleet() {
  static const std::vector<Service> kFleet = {
      {"gateway", 3.0, false, false,
       {{"/api/v1/status", "GET", 2.0, 0.3, 0.001, 300, 2},
        {"/healthz", "GET", 0.8, 0.2, 0.0005, 60, 1},
        {"/internal/metrics", "GET", 4.0, 0.4, 0.001, 9000, 0.5}}},
      {"auth", 2.0, true, false,
       {{"/api/v1/login", "POST", 45.0, 0.5, 0.004, 700, 2},
        {"/api/v1/token/refresh", "POST", 12.0, 0.4, 0.002, 500, 3},
        {"/api/v1/logout", "POST", 8.0, 0.4, 0.001, 200, 1}}},
      {"orders", 2.5, false, false,
       {{"/api/v1/orders", "POST", 80.0, 0.6, 0.006, 1200, 2},
        {"/api/v1/orders/{id}", "GET", 18.0, 0.5, 0.002, 2400, 4},
        {"/api/v1/orders/{id}/cancel", "POST", 60.0, 0.5, 0.004, 600, 0.5}}},
      {"payments", 1.5, false, true,
       {{"/api/v1/payments", "POST", 220.0, 0.7, 0.01, 900, 2},
        {"/api/v1/payments/{id}", "GET", 25.0, 0.4, 0.002, 800, 1}}},
      {"inventory", 2.0, false, false,
       {{"/api/v1/items/{sku}", "GET", 9.0, 0.5, 0.001, 1800, 4},
        {"/api/v1/items/{sku}/reserve", "PUT", 35.0, 0.6, 0.005, 400, 1}}},
      {"search", 3.0, false, false,
       {{"/api/v1/search", "GET", 55.0, 0.8, 0.003, 14000, 5},
        {"/api/v1/suggest", "GET", 14.0, 0.5, 0.002, 2200, 3}}},
      {"users", 1.0, true, false,
       {{"/api/v1/users/{id}", "GET", 11.0, 0.4, 0.001, 1500, 3},
        {"/api/v1/users/{id}", "PATCH", 40.0, 0.5, 0.004, 600, 1}}},
      {"notifications", 0.8, true, false,
       {{"/api/v1/notifications", "POST", 30.0, 0.6, 0.006, 350, 2},
        {"/internal/notifications/flush", "POST", 150.0, 0.6, 0.01, 100, 0.3}}},
  };
  return kFleet;
}

struct Region {
  const char* name;
  double weight;
};
const Region kRegions[] = {{"ap-southeast-1", 4}, {"ap-southeast-3", 3}, {"eu-west-1", 2},
                           {"us-east-1", 2},      {"us-west-2", 1}};

const char* const kEmailDomains[] = {"example.com", "example.org", "mail.example.net"};

constexpr int kUserCount = 50000;
constexpr double kTwoPi = 6.283185307179586;

template <typename T, typename WeightOf>
size_t pick_weighted(Random& rng, const T& items, size_t count, WeightOf weight_of) {
  double total = 0;
  for (size_t i = 0; i < count; ++i) total += weight_of(items[i]);
  double r = rng.uniform() * total;
  for (size_t i = 0; i < count; ++i) {
    r -= weight_of(items[i]);
    if (r < 0) return i;
  }
  return count - 1;
}

// Luhn check digit for the first 15 digits, so card numbers pass a Luhn check.
char luhn_check_digit(const char* digits, int count) {
  int sum = 0;
  for (int i = 0; i < count; ++i) {
    int d = digits[count - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

enum class Anomaly { kNone, kErrorBurst, kLatencySpike };

// Text built by hand into arena memory: snprintf was a third of an event's cost.
class Text {
 public:
  Text(Arena& arena, size_t capacity) : begin_(static_cast<char*>(arena.allocate(capacity, 1))), end_(begin_) {}
  Text& add(std::string_view s) {
    std::memcpy(end_, s.data(), s.size());
    end_ += s.size();
    return *this;
  }
  // Decimal, at least `width` digits (zero-padded).
  Text& num(uint64_t v, int width = 1) {
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0);
    while (n < width) digits[n++] = '0';
    while (n > 0) *end_++ = digits[--n];
    return *this;
  }
  Text& hex(uint64_t v) {
    static const char kHex[] = "0123456789abcdef";
    char digits[16];
    int n = 0;
    do {
      digits[n++] = kHex[v & 15];
      v >>= 4;
    } while (v > 0);
    while (n > 0) *end_++ = digits[--n];
    return *this;
  }
  Value value() const { return Value::string(std::string_view(begin_, static_cast<size_t>(end_ - begin_))); }

 private:
  char* begin_;
  char* end_;
};

}  // namespace

struct TrafficModel::State {
  explicit State(uint64_t seed) : rng(seed) {}
  Random rng;
  // Field ids, interned once.
  FieldId timestamp = FieldNames::intern("timestamp");
  FieldId service = FieldNames::intern("service");
  FieldId route = FieldNames::intern("route");
  FieldId method = FieldNames::intern("method");
  FieldId status = FieldNames::intern("status");
  FieldId latency_ms = FieldNames::intern("latency_ms");
  FieldId bytes = FieldNames::intern("bytes");
  FieldId user_id = FieldNames::intern("user_id");
  FieldId region = FieldNames::intern("region");
  FieldId trace_id = FieldNames::intern("trace_id");
  FieldId email = FieldNames::intern("email");
  FieldId phone = FieldNames::intern("phone");
  FieldId card_number = FieldNames::intern("card_number");
  FieldId client_ip = FieldNames::intern("client_ip");
  FieldId anomaly = FieldNames::intern("anomaly");
  // Anomaly episodes have a random stream of their own, so the events outside
  // them are the same whatever the episodes do.
  Random episode_rng{0};
  Anomaly episode = Anomaly::kNone;
  size_t episode_service = 0;
  double episode_magnitude = 1;  // error rate of a burst, latency factor of a spike
  int64_t episode_end_us = 0;
  int64_t next_episode_us = INT64_MIN;  // not drawn yet
};

TrafficModel::TrafficModel(TrafficOptions options)
    : options_(options), state_(std::make_shared<State>(options.seed)) {
  state_->episode_rng = Random(options.seed ^ 0x9e3779b97f4a7c15ULL);
}

const std::vector<std::string>& TrafficModel::service_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Service& s : fleet()) names.emplace_back(s.name);
    return names;
  }();
  return kNames;
}

Event TrafficModel::next(Arena& arena) {
  State& st = *state_;
  Random& rng = st.rng;
  const auto& services = fleet();
  const int64_t ts = options_.start_time_us + static_cast<int64_t>(produced_) * options_.interval_us;
  ++produced_;

  // Episodes come in event time: one service at a time, 2 to 5 minutes long, with a
  // gap drawn from an exponential distribution of mean anomaly_interval between them.
  if (options_.anomaly_interval_us > 0) {
    Random& erng = st.episode_rng;
    const auto gap = [&] {
      return static_cast<int64_t>(-std::log(1.0 - erng.uniform()) * static_cast<double>(options_.anomaly_interval_us));
    };
    if (st.next_episode_us == INT64_MIN) st.next_episode_us = ts + gap();
    if (st.episode != Anomaly::kNone && ts >= st.episode_end_us) st.episode = Anomaly::kNone;
    if (st.episode == Anomaly::kNone && ts >= st.next_episode_us) {
      st.episode = erng.chance(0.5) ? Anomaly::kErrorBurst : Anomaly::kLatencySpike;
      st.episode_service = erng.below(services.size());
      st.episode_magnitude = st.episode == Anomaly::kErrorBurst ? 0.10 + 0.30 * erng.uniform()   // of requests fail
                                                                : 2.5 + 2.5 * erng.uniform();   // × latency
      st.episode_end_us = ts + 120'000'000 + static_cast<int64_t>(erng.below(180'000'001));
      st.next_episode_us = st.episode_end_us + gap();
    }
  }

  size_t service_index = pick_weighted(rng, services, services.size(), [](const Service& s) { return s.weight; });
  const Service& service = services[service_index];
  const Route& route = service.routes[pick_weighted(rng, service.routes, service.routes.size(),
                                                    [](const Route& r) { return r.weight; })];
  Anomaly anomaly = (st.episode != Anomaly::kNone && st.episode_service == service_index) ? st.episode
                                                                                            : Anomaly::kNone;

  // Daily cycle: load, and with it latency, peaks around 14:00 UTC and bottoms at 02:00.
  double day_fraction = static_cast<double>(((ts % 86'400'000'000) + 86'400'000'000) % 86'400'000'000) /
                        86'400'000'000.0;
  double daily = 1.0 + 0.35 * std::sin(kTwoPi * (day_fraction - 8.0 / 24.0));

  double latency = rng.log_normal(route.median_latency_ms * daily, route.latency_sigma);
  if (anomaly == Anomaly::kLatencySpike) latency *= st.episode_magnitude;
  latency = std::round(latency * 1000.0) / 1000.0;

  double error_rate = anomaly == Anomaly::kErrorBurst ? st.episode_magnitude : route.error_rate;
  // The same three draws for every event, whatever the outcome: an episode changes
  // the outcome, never how far the random stream moves.
  const double error_draw = rng.uniform(), client_draw = rng.uniform();
  const uint64_t code_draw = rng.below(12);
  int64_t status;
  if (error_draw < error_rate) {
    static const int64_t kServerErrors[] = {500, 502, 503, 504};
    status = kServerErrors[code_draw % 4];
  } else if (client_draw < 0.03) {
    static const int64_t kClientErrors[] = {400, 401, 403, 404, 404, 429};
    status = kClientErrors[code_draw % 6];
  } else {
    status = std::strcmp(route.method, "POST") == 0 ? 201 : 200;
  }
  int64_t bytes = static_cast<int64_t>(rng.log_normal(route.median_bytes, 0.6));

  // Users follow a skewed popularity: squaring a uniform favours low ids.
  double u = rng.uniform();
  int user = 1 + static_cast<int>(u * u * kUserCount);
  const Region& region = kRegions[pick_weighted(rng, kRegions, std::size(kRegions),
                                                [](const Region& r) { return r.weight; })];

  ObjectBuilder b(arena, 16);
  b.append_unique(st.timestamp, Value::timestamp(ts));
  b.append_unique(st.service, Value::string(service.name));
  b.append_unique(st.route, Value::string(route.path));
  b.append_unique(st.method, Value::string(route.method));
  b.append_unique(st.status, Value::integer(status));
  b.append_unique(st.latency_ms, Value::floating(latency));
  b.append_unique(st.bytes, Value::integer(bytes));

  b.append_unique(st.user_id, Text(arena, 12).add("u-").num(static_cast<uint64_t>(user), 6).value());
  b.append_unique(st.region, Value::string(region.name));

  char* trace = static_cast<char*>(arena.allocate(32, 1));
  static const char kHex[] = "0123456789abcdef";
  uint64_t hi = rng.next_u64(), lo = rng.next_u64();
  for (int i = 0; i < 16; ++i) {
    trace[i] = kHex[(hi >> (60 - 4 * i)) & 15];
    trace[16 + i] = kHex[(lo >> (60 - 4 * i)) & 15];
  }
  b.append_unique(st.trace_id, Value::string({trace, 32}));

  b.append_unique(st.email, Text(arena, 64)
                                .add("user")
                                .num(static_cast<uint64_t>(user))
                                .add("@")
                                .add(kEmailDomains[user % std::size(kEmailDomains)])
                                .value());

  if (service.has_phone) {
    // Two thirds Indonesian mobile numbers, the rest North American.
    const auto u64 = static_cast<uint64_t>(user);
    Text phone(arena, 24);
    if (user % 3 != 0) {
      phone.add("+62 8").num(11 + u64 % 48, 2).add("-").num(u64 * 7919 % 10000, 4).add("-").num(u64 * 104729 % 10000, 4);
    } else {
      phone.add("+1 555-").num(u64 % 1000, 3).add("-").num(u64 * 31 % 10000, 4);
    }
    b.append_unique(st.phone, phone.value());
  }
  if (service.has_card) {
    char* card = static_cast<char*>(arena.allocate(16, 1));
    card[0] = '4';
    for (int i = 1; i < 15; ++i) card[i] = static_cast<char>('0' + rng.below(10));
    card[15] = luhn_check_digit(card, 15);
    b.append_unique(st.card_number, Value::string({card, 16}));
  }

  uint64_t r = rng.next_u64();
  Text ip(arena, 40);
  if (r % 10 == 0) {
    ip.add("2001:db8:").hex(r >> 8 & 0xffff).add(":").hex(r >> 24 & 0xffff).add("::").hex(r >> 40 & 0xffff);
  } else {
    ip.num(10 + (r >> 8) % 3 * 90).add(".").num(r >> 16 & 0xff).add(".").num(r >> 24 & 0xff).add(".").num(1 + (r >> 32) % 254);
  }
  b.append_unique(st.client_ip, ip.value());

  if (options_.label_anomalies) {
    Value label = anomaly == Anomaly::kErrorBurst     ? Value::string("error_burst")
                  : anomaly == Anomaly::kLatencySpike ? Value::string("latency_spike")
                                                      : Value::null();
    b.append_unique(st.anomaly, label);
  }

  return Event{b.finish(), ts};
}

}  // namespace sluice::source
