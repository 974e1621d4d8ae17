# A real Prometheus (Debian's package) on loopback scrapes a running sluice: the
# target is up, a query through Prometheus' HTTP API returns sluice's counters
# with the values that were sent, every query of the Grafana dashboard evaluates,
# and the alerting rules load.
source "$(dirname "$0")/lib.sh"
command -v prometheus >/dev/null || fail "prometheus is missing: run scripts/setup (Debian package prometheus)"

PORT=$(free_port)
ADMIN=$(free_port)
PROM=$(free_port)
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe: {address: 127.0.0.1:$ADMIN}
sources:
  api: {type: http, address: 127.0.0.1:$PORT}
sinks:
  out: {type: blackhole, inputs: [api]}
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
prom=
trap 'kill -9 $server ${prom:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_port "$PORT" "$server" server.log
wait_for_port "$ADMIN" "$server" server.log
for r in $(seq 1 5); do
  seq 1 100 | sed "s/.*/{\"request\":$r,\"i\":&}/" >body.ndjson
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' --data-binary @body.ndjson \
    "http://127.0.0.1:$PORT/v1/events")
  [[ $code == 200 ]] || fail "request $r answered $code"
done

cp "$SLUICE_SOURCE_DIR/deploy/prometheus/sluice-alerts.yml" .
cat >prometheus.yml <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [sluice-alerts.yml]
scrape_configs:
  - job_name: sluice
    static_configs:
      - targets: ['127.0.0.1:$ADMIN']
YAML
prometheus --config.file=prometheus.yml --storage.tsdb.path="$WORK/tsdb" --web.listen-address="127.0.0.1:$PROM" \
  >prometheus.log 2>&1 &
prom=$!
wait_for_port "$PROM" "$prom" prometheus.log
# The port alone can be another test's (a free port is only free when picked): wait
# until this Prometheus answers as itself.
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PROM/-/ready" >/dev/null 2>&1 && break
  kill -0 "$prom" 2>/dev/null || fail "Prometheus exited: $(tail -3 prometheus.log)"
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PROM/-/ready" >/dev/null 2>&1 || fail "Prometheus is not ready: $(tail -3 prometheus.log)"

# query PROMQL: the first result's value ("" when there is none yet).
query() {
  curl -s --get "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // ""'
}
got=
for _ in $(seq 1 300); do
  got=$(query 'sluice_component_events_out_total{job="sluice",component="out"}')
  [[ $got == 500 ]] && break
  sleep 0.1
done
[[ $got == 500 ]] || fail "Prometheus returns '$got' for the sink's events, expected 500: $(tail -3 prometheus.log)"
[[ $(query 'up{job="sluice"}') == 1 ]] || fail "the sluice target is not up"
[[ $(query 'sluice_http_responses_total{server="api",code="2xx"}') == 5 ]] || fail "Prometheus does not see 5 requests"
pass "Prometheus scrapes sluice: 500 events and 5 requests, as sent"

# Every dashboard query is valid PromQL over the scraped data.
jq -r '.panels[].targets[].expr' "$SLUICE_SOURCE_DIR/deploy/grafana/sluice-dashboard.json" |
  sed 's/\$__rate_interval/1m/g; s/\$instance/.*/g' >queries.txt
while IFS= read -r q; do
  status=$(curl -s --get "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$q" | jq -r .status)
  [[ $status == success ]] || fail "a dashboard query fails in Prometheus: $q"
done <queries.txt
pass "all $(wc -l <queries.txt) dashboard queries evaluate"

rules=$(curl -s "http://127.0.0.1:$PROM/api/v1/rules" | jq '[.data.groups[] | select(.name == "sluice") | .rules[]] | length')
[[ $rules == 7 ]] || fail "Prometheus loaded $rules sluice rules, expected 7"
health=$(curl -s "http://127.0.0.1:$PROM/api/v1/rules" | jq -r '[.data.groups[].rules[] | select(.health == "err")] | length')
[[ $health == 0 ]] || fail "$health alerting rules fail to evaluate"
pass "the 7 alerting rules load and evaluate"
