#!/usr/bin/env bash
# Local, Docker-free Apache Kafka broker (KRaft, single node: broker+controller)
# for integration tests. The broker jars come from Maven Central via pom.xml.
#
# Usage: tools/kafka/kafka.sh <command> [options]
#
#   fetch              Download Kafka + runtime deps into tools/kafka/target/lib
#                      (no-op when already fetched for the current pom.xml).
#   start [--keep-data]
#                      Start a broker in the background and wait until it serves
#                      requests. Without --keep-data the data dir is wiped and
#                      formatted with a fresh random cluster id. With --keep-data
#                      the existing (already formatted) data dir and its
#                      server.properties are reused as-is (ports included), so
#                      topics/messages/offsets survive; if nothing usable is
#                      there it falls back to a fresh format.
#                      A broker still running from this data dir's pid file is
#                      stopped first (never reused), so start is re-runnable.
#   restart            stop + start --keep-data (simulates a broker outage).
#   stop               Stop the broker (SIGTERM, SIGKILL after
#                      $KAFKA_STOP_TIMEOUT s) and wait until it has exited.
#   status             Print state; exit 0 if running, 3 if not.
#   clean              stop + delete the data dir.
#
# On success, start/restart/status print as their last stdout line:
#   KAFKA_BROKERS=127.0.0.1:<port>
#
# Environment:
#   KAFKA_DATA_DIR           data dir (default /tmp/keyservice-kafka)
#   KAFKA_PORT               PLAINTEXT listener port (default 19092)
#   KAFKA_CONTROLLER_PORT    KRaft controller port (default 19093)
#   KAFKA_HEAP_OPTS          JVM heap flags (default "-Xms128m -Xmx512m")
#   KAFKA_JVM_OPTS           extra JVM flags (default: none)
#   KAFKA_START_TIMEOUT      seconds to wait for readiness (default 60)
#   KAFKA_STOP_TIMEOUT       seconds before SIGKILL on stop (default 30)
#   MVN                      maven command (default mvn)
#
# Layout of $KAFKA_DATA_DIR:
#   server.properties  broker config      kraft/      Kafka log.dirs
#   kafka.pid          broker pid         logs/       server.log (log4j), kafka.out (stdout/err)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB_DIR="$SCRIPT_DIR/target/lib"
FETCH_MARKER="$LIB_DIR/.fetched"
LOG4J_CONFIG="$SCRIPT_DIR/log4j.properties"

DATA_DIR="${KAFKA_DATA_DIR:-/tmp/keyservice-kafka}"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
JVM_OPTS="${KAFKA_JVM_OPTS:-}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"

PROPS="$DATA_DIR/server.properties"
KRAFT_DIR="$DATA_DIR/kraft"
LOGS_DIR="$DATA_DIR/logs"
PID_FILE="$DATA_DIR/kafka.pid"

log() { echo "[kafka.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

pom_hash() { sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

cmd_fetch() {
  if [[ -f "$FETCH_MARKER" && "$(cat "$FETCH_MARKER")" == "$(pom_hash)" ]]; then
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ('$MVN') not found; install Maven 3 + a JDK 17"
  command -v java >/dev/null 2>&1 || die "java not found; install a JDK 17"
  log "fetching Kafka jars from Maven Central into $LIB_DIR ..."
  rm -rf "$LIB_DIR"
  (cd "$SCRIPT_DIR" && "$MVN" -q -B -Dstyle.color=never dependency:copy-dependencies -DoutputDirectory="$LIB_DIR") >&2
  [[ -n "$(ls "$LIB_DIR"/kafka_2.13-*.jar 2>/dev/null)" ]] || die "fetch finished but no kafka_2.13 jar in $LIB_DIR"
  pom_hash >"$FETCH_MARKER"
  log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
}

# 0 if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Pid of the broker that owns this data dir, if it is alive (and really is our
# kafka.Kafka process, not a recycled pid). Prints nothing otherwise.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  if [[ -r "/proc/$pid/cmdline" ]]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmdline" == *kafka.Kafka*"$PROPS"* ]] || return 0
  fi
  echo "$pid"
}

# Ports from an existing server.properties (used with --keep-data).
props_port() {
  sed -n 's#^listeners=PLAINTEXT://[^:]*:\([0-9]*\).*#\1#p' "$PROPS" | head -n1
}
props_controller_port() {
  sed -n 's#^listeners=.*CONTROLLER://[^:]*:\([0-9]*\).*#\1#p' "$PROPS" | head -n1
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping broker pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "broker did not exit after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      # wait for the kernel to reap it
      local kdeadline=$((SECONDS + 10))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < kdeadline)); do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
}

# Kafka cluster ids are 16 random bytes, base64url without padding (22 chars).
# Avoid a leading '-' (looks like a CLI flag), as Kafka's own Uuid.randomUuid does.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

write_props() {
  cat >"$PROPS" <<EOF
# Generated by tools/kafka/kafka.sh - single-node KRaft test broker.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${KRAFT_DIR}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# keep it light for tests
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.segment.bytes=16777216
delete.topic.enable=true
EOF
}

format_fresh() {
  log "formatting fresh KRaft storage in $DATA_DIR"
  rm -rf "$DATA_DIR"
  mkdir -p "$KRAFT_DIR" "$LOGS_DIR"
  write_props
  local cid
  cid="$(random_cluster_id)"
  java -Xmx256m -Dlog4j.configuration="file:$LOG4J_CONFIG" -Dkafka.logs.dir="$LOGS_DIR" \
    -cp "$LIB_DIR/*" kafka.tools.StorageTool format -t "$cid" -c "$PROPS" \
    >"$LOGS_DIR/format.out" 2>&1 || { cat "$LOGS_DIR/format.out" >&2; die "storage format failed"; }
}

cmd_start() {
  local keep_data=0
  while (($#)); do
    case "$1" in
      --keep-data) keep_data=1 ;;
      *) die "unknown start option: $1" ;;
    esac
    shift
  done

  cmd_fetch
  cmd_stop # a broker left over from an earlier run on this data dir is stopped, not reused

  local reuse=0
  if ((keep_data)) && [[ -f "$PROPS" && -f "$KRAFT_DIR/meta.properties" ]]; then
    reuse=1
    PORT="$(props_port)"
    CONTROLLER_PORT="$(props_controller_port)"
    [[ -n "$PORT" && -n "$CONTROLLER_PORT" ]] || die "cannot read listener ports from $PROPS"
  fi

  local p
  for p in "$PORT" "$CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "127.0.0.1:$p is already in use by another process (not the broker of $DATA_DIR); set KAFKA_PORT/KAFKA_CONTROLLER_PORT"
    fi
  done

  if ((reuse)); then
    log "reusing data in $DATA_DIR"
  else
    ((keep_data)) && log "--keep-data: no formatted storage in $DATA_DIR, formatting fresh"
    format_fresh
  fi
  mkdir -p "$LOGS_DIR"

  local server_log="$LOGS_DIR/server.log"
  local log_offset=0
  [[ -f "$server_log" ]] && log_offset="$(stat -c %s "$server_log")"
  local out="$LOGS_DIR/kafka.out"
  echo "=== start $(date -Is) ===" >>"$out"

  # Detach completely (own session, no inherited stdio) so callers such as
  # child_process.execFile return as soon as this script exits. The child
  # writes its own pid, then execs java, so the pid file holds the JVM pid.
  # ($0 of the inner script is the pid file path, "$@" the java command line.)
  # shellcheck disable=SC2086,SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true $JVM_OPTS \
    -Dlog4j.configuration="file:$LOG4J_CONFIG" -Dkafka.logs.dir="$LOGS_DIR" \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    >>"$out" 2>&1 </dev/null &

  local deadline=$((SECONDS + START_TIMEOUT)) pid=""
  while :; do
    [[ -z "$pid" && -s "$PID_FILE" ]] && pid="$(cat "$PID_FILE")"
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$out" >&2 || true
      if [[ -f "$server_log" ]]; then
        tail -c +"$((log_offset + 1))" "$server_log" | grep -E 'ERROR|FATAL' | tail -n 20 >&2 || true
      fi
      rm -f "$PID_FILE"
      die "broker exited during startup (logs: $LOGS_DIR)"
    fi
    # The socket is bound before the broker serves requests, so an open port
    # alone is not enough: also wait for the "Kafka Server started" log line.
    # (grep without -q: -q could SIGPIPE tail, which pipefail turns into false.)
    # (If log4j rolled server.log over meanwhile, it shrank: read it from the start.)
    if [[ -f "$server_log" ]] && (($(stat -c %s "$server_log") < log_offset)); then
      log_offset=0
    fi
    if [[ -n "$pid" ]] && port_open "$PORT" && [[ -f "$server_log" ]] &&
      tail -c +"$((log_offset + 1))" "$server_log" | grep 'Kafka Server started' >/dev/null; then
      break
    fi
    if ((SECONDS >= deadline)); then
      cmd_stop
      die "broker not ready after ${START_TIMEOUT}s (logs: $LOGS_DIR)"
    fi
    sleep 0.2
  done
  log "broker pid $pid ready on 127.0.0.1:$PORT (data: $DATA_DIR)"
  echo "KAFKA_BROKERS=127.0.0.1:$PORT"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    echo "not running (data dir: $DATA_DIR)"
    return 3
  fi
  local p="$PORT"
  [[ -f "$PROPS" ]] && p="$(props_port)"
  echo "running pid $pid (data dir: $DATA_DIR)"
  echo "KAFKA_BROKERS=127.0.0.1:$p"
}

cmd_clean() {
  cmd_stop
  rm -rf "$DATA_DIR"
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
    fetch) cmd_fetch "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    restart) cmd_stop && cmd_start --keep-data "$@" ;;
    status) cmd_status "$@" ;;
    clean) cmd_clean "$@" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
