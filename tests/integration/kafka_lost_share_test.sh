# Windows split across three instances; half-way the brokers take one running
# instance's share as if its session had expired (a heartbeat refused with
# UNKNOWN_MEMBER_ID). The scenario of kafka_partitioned_windows_test.sh with the
# share lost instead of an instance killed: the windows must come out the same.
DISRUPTION=lost source "$(dirname "$0")/kafka_partitioned_windows_test.sh"
