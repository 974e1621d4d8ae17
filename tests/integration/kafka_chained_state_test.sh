# Two stateful transforms in a row split across three instances: a dedup by .id,
# then one-minute windows by service, each reading its own repartition topic; one
# instance killed with SIGKILL mid-stream. The scenario of
# kafka_partitioned_windows_test.sh with the dedup before the window.
CHAIN_DEDUP=1 source "$(dirname "$0")/kafka_partitioned_windows_test.sh"
