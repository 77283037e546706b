#!/usr/bin/env bash
# Room benchmark: starts the standalone server from the jar on loopback, then for each
# MEMBERS:RATE pair fills one room with MEMBERS WebSocket members, RATE of them sending one
# danmaku a second, and prints delivered messages/s, delivery delay and server cost.
#   bench/room.sh [MEMBERS:RATE ...]      (default: 500:20 1000:50)
# Cluster mode: two interaction processes and a gateway, ROOMS rooms of MEMBERS members on the
# gateway, RATE danmaku a second in total; halfway through, one interaction process is killed
# (SIGKILL; STOP=TERM drains it instead): lost and duplicated deliveries, and the longest gap.
#   bench/room.sh cluster [ROOMS MEMBERS RATE]   (default: 20 200 100; DURATION=30s)
# STOP=none stops nothing and reports accepted danmaku per CPU-second of the interaction role;
# REPLICAS=1 runs one interaction process.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=launcher/target/livestream.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package
if [ "${1:-}" = cluster ]; then
  source bench/common.sh
  rooms=${2:-20} members=${3:-200} rate=${4:-100} duration=${DURATION:-30s}
  export LIVE_JWT_SECRET="bench-room-cluster-$(date +%s)-0123456789abcdefghij"
  export LIVE_CLUSTER_NAME="bench-rooms-$$" LIVE_CLUSTER_PORT=$((6701 + RANDOM % 400 * 10)) LIVE_HOST=127.0.0.1
  export LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0 LIVE_ROOM_CONNECTION_RATE=0
  logs=$(mktemp -d -t bench-room-cluster.XXXX)
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
  roles=(interaction interaction gateway)
  [ "${REPLICAS:-2}" = 1 ] && roles=(interaction gateway)
  for role in "${roles[@]}"; do
    port=$(free_port)
    LIVE_HTTP_PORT=$port java -Xmx512m -jar "$JAR" "$role" >"$logs/$role-$port.log" 2>&1 &
    pids+=($!); ports+=("$port")
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done
  done
  echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); logs in $logs"
  gateway_port=${ports[${#ports[@]} - 1]}
  interaction=(); for ((i = 0; i < ${#pids[@]} - 1; i++)); do interaction+=(--interaction-pid "${pids[$i]}"); done
  if [ "${STOP:-KILL}" = none ]; then
    echo "---- $rooms rooms x $members members, $rate danmaku/s, $(( ${#interaction[@]} / 2 )) interaction replica(s), none stopped"
    stop=()
  else
    echo "---- $rooms rooms x $members members, $rate danmaku/s, one interaction replica stopped (SIG${STOP:-KILL}) halfway"
    stop=(--stop-pid "${pids[0]}" --stop-signal "${STOP:-KILL}")
  fi
  java -Xmx1g -jar "$JAR" bench room-cluster --url "ws://127.0.0.1:$gateway_port" --rooms "$rooms" --members "$members" \
    --rate "$rate" --duration "$duration" "${interaction[@]}" "${stop[@]}"
  exit 0
fi
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(500:20 1000:50)
# A port nobody listens on, below the kernel's ephemeral range (32768+): a port handed out by
# bind(0) can be taken by any outgoing connection before the server binds it.
free_port() { python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(20000, 32000); s = socket.socket()
    try: s.bind(("0.0.0.0", p)); print(p); break
    except OSError: pass
    finally: s.close()'; }
HTTP_PORT=$(free_port) RTMP_PORT=$(free_port)
export LIVE_JWT_SECRET="bench-room-$(date +%s)-0123456789abcdefghij"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
export LIVE_VIEWER_CONNECTION_RATE=0 LIVE_ROOM_CONNECTION_RATE=0 LIVE_SESSION_RATE=0  # one address opens them all at once
log=$(mktemp -t bench-room.XXXX.log)
java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do sleep 0.2; done
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1)"
n=0
for run in "${runs[@]}"; do
  n=$((n + 1))
  echo "---- ${run%%:*} members, ${run##*:} danmaku/s"
  java -Xmx1g -jar "$JAR" bench room --url "ws://127.0.0.1:$HTTP_PORT/ws/room/bench$n" \
    --members "${run%%:*}" --rate "${run##*:}" --duration "${DURATION:-20s}" --server-pid "$server"
done
