# Several instances of one pipeline on the Kafka brokers of start_kafka, for the
# scale-out tests (sourced after lib.sh): instance I has its own data_dir ($WORK/dataI), HTTP port
# ${port[I]}, observe port ${obs[I]} and pid ${pid[I]}; all are killed when the test ends.
declare -a port obs pid
stop_instances() {
  for p in "${pid[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  cleanup_work
}
trap stop_instances EXIT

# instance_header I GROUP COMMIT_INTERVAL: the start of instance I's pipeline file (its
# data_dir, a Kafka log of GROUP that notices a dead instance in 6 s, its observe port).
instance_header() {
  port[$1]=$(free_port)
  obs[$1]=$(free_port)
  cat <<YAML
data_dir: $WORK/data$1
log:
  type: kafka
  brokers: $KAFKA_BOOTSTRAP
  group: $2
  commit_interval: $3
  request_timeout: 2s
  handover_timeout: 5s
  properties: {log_level: "2", session.timeout.ms: "6000", heartbeat.interval.ms: "500"}
observe:
  address: 127.0.0.1:${obs[$1]}
YAML
}

# start_instance I: runs pipelineI.yaml (logging to serverI.log) until its HTTP port listens.
start_instance() {
  "$SLUICE" run "pipeline$1.yaml" --summary-interval 0s >>"server$1.log" 2>&1 &
  pid[$1]=$!
  wait_for_port "${port[$1]}" "${pid[$1]}" "server$1.log"
}

# owned I TOPIC: how many partitions of TOPIC instance I reads now (its /metrics).
owned() {
  curl -fsS "http://127.0.0.1:${obs[$1]}/metrics" 2>/dev/null |
    awk -v series="sluice_group_partitions_owned{topic=\"$2\"}" '$1 == series {print $2}'
}
