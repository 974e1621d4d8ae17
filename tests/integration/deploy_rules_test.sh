# deploy/: the Prometheus alerting rules are valid and fire when they should
# (promtool test rules), and the Grafana dashboard is well-formed JSON whose
# every query names a metric sluice exports (checked against a live /metrics).
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "promtool is missing: run scripts/setup (Debian package prometheus)"
DEPLOY=$SLUICE_SOURCE_DIR/deploy

promtool check rules "$DEPLOY/prometheus/sluice-alerts.yml" >check.out 2>&1 || fail "promtool check rules: $(cat check.out)"
promtool test rules "$SLUICE_SOURCE_DIR/tests/data/prometheus/sluice-alerts-test.yml" >test.out 2>&1 ||
  fail "promtool test rules: $(cat test.out)"
pass "alerting rules: $(grep -o '[0-9]* rules found' check.out), and each fires in its unit test"

dashboard=$DEPLOY/grafana/sluice-dashboard.json
jq -e '.panels | length > 0' "$dashboard" >/dev/null || fail "the dashboard is not JSON with panels"
ADMIN=$(free_port)
cat >pipeline.yaml <<YAML
data_dir: $WORK/data
observe: {address: 127.0.0.1:$ADMIN}
sources:
  api: {type: http, address: 127.0.0.1:$(free_port)}
transforms:
  w:
    type: window
    inputs: [api]
    size: 1m
    aggregates: {n: count()}
sinks:
  out: {type: blackhole, inputs: [w]}
YAML
"$SLUICE" run pipeline.yaml --summary-interval 0s >server.log 2>&1 &
server=$!
trap 'kill -9 $server 2>/dev/null || true; rm -rf "$WORK"' EXIT
wait_for_port "$ADMIN" "$server" server.log
curl -s "http://127.0.0.1:$ADMIN/metrics" >metrics.txt
names=$( (jq -r '.panels[].targets[].expr' "$dashboard"; grep 'expr:' -A3 "$DEPLOY/prometheus/sluice-alerts.yml") |
  grep -o '\b\(sluice\|process\)_[a-z_]*' | sed 's/_bucket$//' | sort -u)
for name in $names; do
  grep -q "^# TYPE $name " metrics.txt || fail "the dashboard or the rules use $name, which /metrics does not have"
done
pass "every metric the dashboard and the rules query exists ($(wc -w <<<"$names") names)"
