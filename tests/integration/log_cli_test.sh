# sluice log topics|describe|offsets|dump|tail against a real pipeline's log,
# including --follow while another run appends.
source "$(dirname "$0")/lib.sh"
cat > pipeline.yaml <<YAML
data_dir: $WORK/data
sources:
  traffic: {type: generator, rate: 0, count: 100, batch_size: 10, partitions: 2, seed: 3}
sinks:
  out: {type: blackhole, inputs: [traffic]}
YAML
expect_exit 0 "$SLUICE" run pipeline.yaml --summary-interval 0s

expect_exit 0 "$SLUICE" log topics --data-dir data
awk '$1 == "traffic" && $2 == 2 && $3 == 100 {found = 1} END {exit !found}' "$WORK/out" ||
  fail "topics does not show 2 partitions and 100 records: $(cat "$WORK/out")"
expect_exit 0 "$SLUICE" log offsets --data-dir data
[[ $(awk '$1 == "sluice" && $2 == "traffic" && $6 == 0' "$WORK/out" | wc -l) -eq 2 ]] ||
  fail "offsets does not show both partitions fully committed: $(cat "$WORK/out")"
expect_exit 0 "$SLUICE" log describe traffic --data-dir data
grep -q '^partitions 2' "$WORK/out" || fail "describe lacks the settings: $(cat "$WORK/out")"
expect_exit 0 "$SLUICE" log dump traffic --data-dir data -p 0 --offset 5 -n 3
[[ $(jq -s -c 'map(.offset)' "$WORK/out") == "[5,6,7]" ]] || fail "dump offsets: $(cat "$WORK/out")"
jq -e -s 'all(.event.service != null and .partition == 0)' "$WORK/out" >/dev/null || fail "dump events: $(head -2 "$WORK/out")"
expect_exit 0 "$SLUICE" log tail traffic --data-dir data -n 1
[[ $(wc -l <"$WORK/out") -eq 2 ]] || fail "tail -n 1 should print one record per partition: $(cat "$WORK/out")"
expect_exit 2 "$SLUICE" log describe nosuch --data-dir data
grep -q 'no topic "nosuch"' "$WORK/err" || fail "unknown topic not reported: $(cat "$WORK/err")"
expect_exit 3 "$SLUICE" log topics --data-dir "$WORK/nothing-here"
grep -q 'no log under' "$WORK/err" || fail "missing log not reported: $(cat "$WORK/err")"
pass "topics, offsets, describe, dump, tail show the pipeline's log"

# --follow prints records appended by another run while it watches.
"$SLUICE" log tail traffic --data-dir data -n 0 -f >follow.out 2>follow.err &
follower=$!
sleep 0.5
expect_exit 0 "$SLUICE" run pipeline.yaml --summary-interval 0s
for _ in $(seq 1 40); do
  [[ $(wc -l <follow.out) -ge 100 ]] && break
  sleep 0.1
done
kill "$follower"
wait "$follower" 2>/dev/null || true
[[ $(wc -l <follow.out) -eq 100 ]] || fail "tail -f printed $(wc -l <follow.out) of the 100 new records: $(cat follow.err)"
pass "tail --follow prints records as another run appends them"
