# Anomaly detection finds the generator's injected anomalies in the demo's traffic:
# one hour at 2000 events/s (7.2 M events) through per-service minutes into the
# error-ratio and p99-latency detectors (bench/anomaly_eval.yaml), scored against
# the generator's labels (bench/anomaly_score.py). Deterministic: a fixed seed.
# docs/anomalies.md has the same measured over 6 hours and for every method.
# Under the sanitizers (ten times slower) the same runs for 30 minutes: what is
# checked there is memory safety, the numbers are the release build's.
source "$(dirname "$0")/lib.sh"
events=7200000
[[ ${SLUICE_SANITIZED:-0} == 1 ]] && events=3600000
result=$(SLUICE="$SLUICE" "$SLUICE_SOURCE_DIR/bench/anomaly_eval.sh" "$events" ewma_zscore) || fail "the evaluation did not run"
precision=$(jq -r .overall_minutes.precision <<<"$result")
recall=$(jq -r .overall_minutes.recall <<<"$result")
episodes=$(jq -r '.error_ratio.episodes.episodes + .p99_latency_ms.episodes.episodes' <<<"$result")
[[ $episodes -ge 1 ]] || fail "no anomaly episode to score: $result"
python3 -c "import sys; sys.exit(0 if $precision >= 0.9 and $recall >= 0.9 else 1)" ||
  fail "precision $precision, recall $recall (goal: both at least 0.9): $result"
pass "anomalies: precision $precision, recall $recall over $episodes episodes in one hour of demo traffic"
