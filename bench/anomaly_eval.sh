#!/usr/bin/env bash
# Precision and recall of anomaly detection on the demo's traffic.
#   bench/anomaly_eval.sh [EVENTS] [METHOD]    default 14.4 M events (2 h), ewma_zscore
# Runs bench/anomaly_eval.yaml in a scratch directory and scores the result with
# bench/anomaly_score.py (see there for what counts). Also THRESHOLD, SEED, and
# INTERVAL / WINDOW (event spacing and window size, default 500us and 1m), and SKIP
# (seconds at the start not scored: give a seasonal model its first season).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SLUICE=${SLUICE:-$here/../build/release/sluice}
work=$(mktemp -d /tmp/sluice-anomaly-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
EVAL_EVENTS=${1:-14400000} EVAL_METHOD=${2:-ewma_zscore} EVAL_THRESHOLD=${THRESHOLD:-5} EVAL_SEED=${SEED:-42} \
  EVAL_INTERVAL=${INTERVAL:-500us} EVAL_WINDOW=${WINDOW:-1m} \
  "$SLUICE" run "$here/anomaly_eval.yaml" --summary-interval 0s 2>run.log || { tail -5 run.log >&2; exit 1; }
python3 "$here/anomaly_score.py" data "${SKIP:-0}"
