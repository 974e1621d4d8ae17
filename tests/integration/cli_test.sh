#!/usr/bin/env bash
# The sluice command line: help on every subcommand, version, documented exit codes,
# validate on good and bad files, gen determinism and its NDJSON.
source "$(dirname "$0")/lib.sh"

for cmd in run validate gen components version; do
  expect_exit 0 "$SLUICE" "$cmd" --help
  grep -q "Usage" "$WORK/out" || fail "$cmd --help prints no usage"
done
pass "--help on every subcommand"

expect_exit 0 "$SLUICE" version
grep -Eq '^sluice [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out" || fail "version output: $(cat "$WORK/out")"
pass "version"

expect_exit 2 "$SLUICE" --no-such-flag
expect_exit 2 "$SLUICE"
expect_exit 2 "$SLUICE" validate
expect_exit 2 "$SLUICE" gen --body xml
pass "usage errors exit 2"

expect_exit 0 "$SLUICE" validate "$SLUICE_SOURCE_DIR/examples/demo.yaml"
grep -q "ok (1 source, 9 transforms, 7 sinks)" "$WORK/out" || fail "validate summary: $(cat "$WORK/out")"
pass "validate accepts the demo"

cat > broken.yaml <<'YAML'
sources:
  traffic: {type: generator, rat: 10}
sinks:
  out: {type: consle, inputs: [trafic]}
YAML
expect_exit 1 "$SLUICE" validate broken.yaml
grep -q 'broken.yaml:2:30: source "traffic": unknown option "rat" (did you mean "rate"?)' "$WORK/err" \
  || fail "unknown option message: $(cat "$WORK/err")"
grep -q 'unknown sink type "consle" (did you mean "console"?)' "$WORK/err" || fail "unknown type message"
grep -q 'unknown input "trafic" (did you mean "traffic"?)' "$WORK/err" || fail "unknown input message"
grep -q "3 problems found" "$WORK/err" || fail "problem count: $(cat "$WORK/err")"
expect_exit 1 "$SLUICE" run broken.yaml
grep -q "nothing was run" "$WORK/err" || fail "run on a broken file"
expect_exit 1 "$SLUICE" validate does-not-exist.yaml
grep -q "cannot open the pipeline file" "$WORK/err" || fail "missing file message"
: > empty.yaml
expect_exit 1 "$SLUICE" validate empty.yaml
grep -q "the pipeline file is empty" "$WORK/err" || fail "empty file message"
pass "validate reports every problem and exits 1"

"$SLUICE" gen --seed 7 --count 1000 --start-time 2026-11-24T00:00:00Z > a.ndjson
"$SLUICE" gen --seed 7 --count 1000 --start-time 2026-11-24T00:00:00Z -o b.ndjson
cmp -s a.ndjson b.ndjson || fail "gen with one seed is not deterministic"
[[ $(wc -l < a.ndjson) -eq 1000 ]] || fail "gen --count 1000 wrote $(wc -l < a.ndjson) lines"
jq -e -s 'length == 1000 and all(.[]; has("service") and has("status") and has("latency_ms"))' a.ndjson >/dev/null \
  || fail "gen output is not the expected NDJSON"
[[ $(head -1 a.ndjson | jq -r .timestamp) == "2026-11-24T00:00:00Z" ]] || fail "start time not honoured"
"$SLUICE" gen --seed 8 --count 1000 --start-time 2026-11-24T00:00:00Z > c.ndjson
! cmp -s a.ndjson c.ndjson || fail "different seeds gave the same events"
"$SLUICE" gen --count 0 --duration 300ms > timed.ndjson
[[ $(wc -l < timed.ndjson) -gt 0 ]] || fail "gen --duration wrote nothing"
"$SLUICE" gen | head -n 5 > head.ndjson
[[ $(wc -l < head.ndjson) -eq 5 ]] || fail "gen into a closed pipe"
pass "gen is deterministic, bounded and writes valid NDJSON"

expect_exit 0 "$SLUICE" components
grep -q "generator" "$WORK/out" || fail "components lists the generator"
pass "components"
echo "cli_test: all passed"
