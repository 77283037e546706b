#!/usr/bin/env bash
# The cluster as users deploy it against the standalone server, in one run on this machine: ingest,
# two relays and a gateway, each its own JVM clustered with Hazelcast on 127.0.0.1, and the
# standalone server beside them. The same publisher (`bench publish`: the recorded 1280x720 30 fps
# ~2 Mbps clip in real time, every video frame carrying its send time) feeds each; for each N given,
# N WebSocket-FLV viewers (`bench viewers`) play
#   proxied     the gateway URL (ws://gateway/live/bench.flv): the gateway carries the bytes
#   direct      where the gateway's /api/play says (a relay's URL), as the watch page does
#   standalone  the standalone server
# Prints CPU per viewer of each role and in total, first keyframe p50/p99 (from the connect) and
# the server-added delay p99 of video, with the cluster's CPU per viewer over the standalone's.
#   bench/compare-cluster.sh [N ...]   (default: 100 500 1000; DURATION=20s, RAMP=5s, WARMUP=200, WARMUP_FOR=30s)
#   SMOKE=1: one short run per mode (the CI smoke test): fails unless every viewer played
#   JAR=another build's livestream.jar
# Everything listens on 127.0.0.1 only and stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. bench/common.sh
JAR=${JAR:-$root/launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests -Dweb.skip package
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 500 1000)
DURATION=${DURATION:-20s} RAMP=${RAMP:-5s} WARMUP=${WARMUP:-200} WARMUP_FOR=${WARMUP_FOR:-30s}
clip=$CLIP_720P
if [ -n "${SMOKE:-}" ]; then
  DURATION=${SMOKE_DURATION:-4s} RAMP=1s WARMUP=0 clip=""   # the bundled demo clip: no recording
fi
work=$(mktemp -d -t compare-cluster.XXXX)
out=${OUT:-$root/bench/out}
mkdir -p "$out"
pids=()
stop_all() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; rm -rf "$work"' EXIT
[ -z "$clip" ] || record_720p_clip

export LIVE_JWT_SECRET="compare-cluster-$(date +%s)-0123456789abcdefghij"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
export LIVE_VIEWER_CONNECTION_RATE=0 LIVE_ROOM_CONNECTION_RATE=0

await_health() { # port pid name
  local deadline=$((SECONDS + 120))
  until curl -sf "http://127.0.0.1:$1/health" >/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "$3 stopped:" >&2; cat "$work/$3.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "$3 never became healthy" >&2; cat "$work/$3.log" >&2; exit 1; }
    sleep 0.3
  done
}
await_playing() { # http-flv url
  for _ in $(seq 1 120); do
    timeout 5 ffprobe -v error -read_intervals %+0.5 -show_entries stream=codec_type -of csv "$1" 2>/dev/null | grep -q video && return 0
    sleep 0.5
  done
  echo "stream at $1 never played" >&2; return 1
}
viewers() { # name n url [bench viewers args...]
  local name=$1 n=$2 url=$3; shift 3
  echo "---- $name, $n viewers" >&2
  java -Xmx2g -jar "$JAR" bench viewers --url "$url" --viewers "$n" --duration "$DURATION" --ramp "$RAMP" --probes 50 "$@" \
    > "$work/$name-$n.txt" 2>&1 || true
  cat "$work/$name-$n.txt" >&2
}
warm_up() { # url [args]
  [ "$WARMUP" -gt 0 ] || return 0
  local url=$1; shift
  java -Xmx2g -jar "$JAR" bench viewers --url "$url" --viewers "$WARMUP" --duration "$WARMUP_FOR" --baseline 0s "$@" >/dev/null 2>&1 || true
}
role() { # name role [args...]: starts java -jar livestream.jar ROLE on $ROLE_PORT or a free HTTP port; sets $port and $pid
  local name=$1 role=$2; shift 2
  port=${ROLE_PORT:-$(free_port)}
  LIVE_HTTP_PORT=$port java -Xms128m -Xmx1g -jar "$JAR" "$role" "$@" > "$work/$name.log" 2>&1 &
  pid=$!; pids+=("$pid")
  echo "$name: pid $pid, http $port" >&2
}

# ---- the cluster
export LIVE_CLUSTER_NAME="bench-$$" LIVE_CLUSTER_PORT=$((7701 + RANDOM % 200 * 10)) LIVE_HOST=127.0.0.1
rtmp=$(free_port)
LIVE_RTMP_PORT=$rtmp role ingest ingest; ingest_pid=$pid ingest_port=$port
# each relay advertises its own URL, as on a deployment where viewers reach relays: /api/play sends them there
p=$(free_port); ROLE_PORT=$p role relay-a relay --public-url "http://127.0.0.1:$p"; relay_a_pid=$pid relay_a_port=$port
p=$(free_port); ROLE_PORT=$p role relay-b relay --public-url "http://127.0.0.1:$p"; relay_b_pid=$pid relay_b_port=$port
role gateway gateway; gateway_pid=$pid gateway_port=$port
await_health "$ingest_port" "$ingest_pid" ingest
await_health "$relay_a_port" "$relay_a_pid" relay-a
await_health "$relay_b_port" "$relay_b_pid" relay-b
await_health "$gateway_port" "$gateway_pid" gateway
bench_publish "$JAR" "rtmp://127.0.0.1:$rtmp/live/bench?token=$(java -jar "$JAR" token publish --stream bench --ttl 2h)" "$work/cluster-publish.log" "$clip"
pids+=("$!")
await_playing "http://127.0.0.1:$gateway_port/live/bench.flv"
roles=(--role "ingest=$ingest_pid" --role "relay-a=$relay_a_pid" --role "relay-b=$relay_b_pid" --role "gateway=$gateway_pid")
gateway_ws="ws://127.0.0.1:$gateway_port/live/bench.flv"
warm_up "$gateway_ws"
for n in "${counts[@]}"; do
  viewers proxied "$n" "$gateway_ws" "${roles[@]}"
  viewers direct "$n" "$gateway_ws" --via-play-api "${roles[@]}"
done
stop_all

# ---- standalone
http=$(free_port) rtmp=$(free_port)
java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" > "$work/standalone.log" 2>&1 &
standalone=$!; pids+=("$standalone")
await_health "$http" "$standalone" standalone
bench_publish "$JAR" "rtmp://127.0.0.1:$rtmp/live/bench?token=$(java -jar "$JAR" token publish --stream bench --ttl 2h)" "$work/standalone-publish.log" "$clip"
pids+=("$!")
await_playing "http://127.0.0.1:$http/live/bench.flv"
warm_up "ws://127.0.0.1:$http/live/bench.flv"
for n in "${counts[@]}"; do
  viewers standalone "$n" "ws://127.0.0.1:$http/live/bench.flv" --role "standalone=$standalone"
done
stop_all

# ---- table
field() { grep -E "^$2" "$1" | head -1 | sed -nE "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else print "n/a" }'; }
per='s/.*; ([0-9.]+) % per viewer.*/\1/p' p50='s/.*p50 ([0-9.]+) ms.*/\1/p' p99='s/.*p99 ([0-9.]+) ms.*/\1/p'
printf '\nmachine: %s cores; %s; %s per run, joins over %s, after a %s-viewer warm-up of %s; CPU in %% of one core per viewer\n' \
  "$(nproc)" "$(java -version 2>&1 | head -1)" "$DURATION" "$RAMP" "$WARMUP" "$WARMUP_FOR"
printf '%-10s %7s | %8s %8s %8s %8s | %8s | %8s %8s | %8s | %s\n' path viewers gateway relays ingest total "x stand" \
  "kf p50" "kf p99" "video99" "viewers"
failed=0
for n in "${counts[@]}"; do
  s_total=$(field "$work/standalone-$n.txt" "roles total" "$per")
  for mode in proxied direct standalone; do
    f="$work/$mode-$n.txt"
    total=$(field "$f" "roles total" "$per")
    if [ "$mode" = standalone ]; then gw=- relays=- ing=-; else
      gw=$(field "$f" "role gateway" "$per") ing=$(field "$f" "role ingest" "$per")
      relays=$(awk -v a="$(field "$f" "role relay-a" "$per")" -v b="$(field "$f" "role relay-b" "$per")" 'BEGIN { printf "%.4f", a + b }')
    fi
    played=$(grep -E '^viewers:' "$f" | sed -E 's/viewers: +//')
    grep -q "$n asked, $n playing, 0 failed" "$f" || failed=1
    printf '%-10s %7s | %8s %8s %8s %8s | %8s | %8s %8s | %8s | %s\n' "$mode" "$n" "$gw" "$relays" "$ing" "$total" \
      "$(ratio "$total" "$s_total")" "$(field "$f" "first keyframe" "$p50")" "$(field "$f" "first keyframe" "$p99")" \
      "$(field "$f" "server delay" "$p99")" "$played"
  done
done
[ "$failed" -eq 0 ] || { echo "some viewers did not play (see the reports above)" >&2; exit 1; }
