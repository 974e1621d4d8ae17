# The built-in dashboard in headless Chromium (Debian's chromium, driven by
# playwright-core from tools/): a pipeline with a window, an anomaly detector and a
# hot tier takes a known set of events; the page loads without console errors,
# draws its charts and graph, and every number it shows equals the admin API's —
# then more events arrive and the open page follows without a reload.
source "$(dirname "$0")/lib.sh"
[[ -x /usr/bin/chromium ]] || fail "chromium is missing: run scripts/setup (Debian package chromium)"
[[ -d $SLUICE_SOURCE_DIR/tools/node_modules/playwright-core ]] ||
  fail "playwright-core is not installed in tools/node_modules: run scripts/setup"
check() { node "$SLUICE_SOURCE_DIR/tools/dashboard-check.mjs" "$@"; }

PORT=$(free_port)
ADMIN=$(free_port)
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe:
  address: 127.0.0.1:$ADMIN
sources:
  api: {type: http, address: 127.0.0.1:$PORT, time_field: .ts}
transforms:
  per_minute:
    type: window
    inputs: [api]
    size: 1m
    key_fields: [service]
    aggregates:
      requests: count()
      p99_latency_ms: p99(.latency_ms)
  latency_anomalies:
    type: anomaly
    inputs: [per_minute]
    value: .p99_latency_ms
    series: [service]
    direction: up
    warmup: 3
sinks:
  all: {type: file, inputs: [api], path: all}
  hot:
    type: sqlite
    inputs: [per_minute]
    path: hot.db
    table: service_minutes
    mode: upsert
    key_columns: [window_start, service]
    retention: 3650d
  alerts: {type: sqlite, inputs: [latency_anomalies], path: hot.db, table: anomalies, retention: 3650d}
YAML
start_server

# post FROM_MINUTE TO_MINUTE: 3 services x 20 events a minute; payments' latency
# jumps a hundredfold in minute 8.
post() {
  python3 - "$1" "$2" >body.ndjson <<'PY'
import json, sys
for minute in range(int(sys.argv[1]), int(sys.argv[2])):
    for service in ("orders", "payments", "search"):
        for i in range(20):
            latency = 20 + i % 5 + (2000 if service == "payments" and minute == 8 else 0)
            ts = "2026-11-24T10:%02d:%02dZ" % (minute, i * 3)
            print(json.dumps({"ts": ts, "service": service, "latency_ms": latency}))
PY
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' --data-binary @body.ndjson \
    "http://127.0.0.1:$PORT/v1/events")
  [[ $code == 200 ]] || fail "posting minutes $1-$2 answered $code"
}
components() { curl -s "http://127.0.0.1:$ADMIN/api/v1/components"; }
# settled EVENTS: waits until the file sink wrote EVENTS and every offset is committed.
settled() {
  for _ in $(seq 1 300); do
    components | jq -e --argjson n "$1" '([.components[] | select(.name == "all") | .events_out][0] == $n)
      and ([.log.backlog[] | select(.group == "sluice") | .lag] | add) == 0' >/dev/null && return 0
    sleep 0.1
  done
  fail "the pipeline did not settle at $1 events: $(components | head -c 800)"
}

post 0 10
settled 600
rows=$(curl -s "http://127.0.0.1:$ADMIN/api/v1/hot" | jq '.tables[] | select(.table == "service_minutes") | .rows | length')
[[ $rows -ge 27 ]] || fail "the hot table has $rows rows, expected 27 closed windows or more"
anomalies=$(curl -s "http://127.0.0.1:$ADMIN/api/v1/hot" | jq -r '.tables[] | select(.table == "anomalies") |
  .columns as $c | .rows[] | [$c, .] | transpose | map({(.[0]): .[1]}) | add | .service' | sort -u)
[[ $anomalies == payments ]] || fail "anomalies in the hot tier: '$anomalies', expected payments"
pass "/api/v1/hot: $rows window rows and the payments anomaly"

# Then, with the page left open, more events arrive: it follows without a reload.
export -f post settled components fail
export PORT ADMIN
check "http://127.0.0.1:$ADMIN" "$WORK/dashboard.png" --then 'post 10 12 && settled 720' ||
  fail "the dashboard does not match the API"
pass "the dashboard loads without errors, shows what the API says, and follows 120 more events live"

# The page, its script and style come from the binary, with no other origin.
for asset in / /dashboard.js /dashboard.css /favicon.svg; do
  curl -sf -o asset "http://127.0.0.1:$ADMIN$asset" || fail "GET $asset failed"
  [[ -s asset ]] || fail "GET $asset is empty"
done
# (The SVG namespace is a name, not a place anything is loaded from.)
elsewhere=$(curl -s "http://127.0.0.1:$ADMIN/" "http://127.0.0.1:$ADMIN/dashboard.js" "http://127.0.0.1:$ADMIN/dashboard.css" |
  grep -Eo 'https?://[^"'"'"' )]+' | grep -vx 'http://www.w3.org/2000/svg' || true)
[[ -z $elsewhere ]] || fail "the dashboard refers to another origin: $elsewhere"
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/nothing.js") == 404 ]] || fail "an unknown asset is not 404"
[[ $(curl -s "http://127.0.0.1:$ADMIN/api/v1/hot?limit=2" | jq '[.tables[].rows | length] | max') == 2 ]] ||
  fail "/api/v1/hot?limit=2 does not limit the rows"
pass "assets are embedded (no other origin); unknown paths 404; ?limit bounds the rows"

kill -TERM "$server"
wait "$server" || fail "the pipeline did not stop cleanly: $(tail -5 server.log)"
