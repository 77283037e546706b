#!/usr/bin/env bash
# LL-HLS benchmarks against the standalone server from the jar, on loopback:
#   bench/hls.sh latency [SECONDS]   hls.js in low-latency mode in headless Chromium (web-client/e2e/hls-latency.mjs):
#                                    its live latency estimate, median over SECONDS (default 60) with ffmpeg
#                                    publishing 320x180 30 fps + AAC with a keyframe every 1 s, then every 2 s; stalls counted
#   bench/hls.sh players [N ...]     N light LL-HLS players (`bench hls`: blocking reloads + part fetches) of one
#                                    stream, then N WebSocket-FLV viewers (`bench viewers`) of the same stream for
#                                    the CPU per player next to it (default N: 100 1000; the bundled demo clip)
# Environment: DURATION (players: the measured window, default 20s); JAR (default launcher/target/livestream.jar);
# CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
. bench/common.sh

mode=${1:-}
shift || true
case "$mode" in latency|players) ;; *) sed -n '2,9p' "$0" >&2; exit 2 ;; esac

HTTP_PORT=$(free_port) RTMP_PORT=$(free_port)
export LIVE_JWT_SECRET="bench-secret-$(date +%s)-0123456789abcdef"
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
export LIVE_VIEWER_CONNECTION_RATE=0 LIVE_ROOM_CONNECTION_RATE=0 LIVE_SESSION_RATE=0  # one address opens them all at once
log=$(mktemp -t bench-server.XXXX.log)
pids=()
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; sleep 0.2; done; wait 2>/dev/null || true; }
trap cleanup EXIT

stream=bench
java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT" >"$log" 2>&1 &
server=$!
pids+=("$server")
until curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }; sleep 0.2; done
token=$(java -jar "$JAR" token publish --stream "$stream" --ttl 2h)
publish_url="rtmp://127.0.0.1:$RTMP_PORT/live/$stream?token=$token"

await_live() {
  local deadline=$((SECONDS + 60))
  until curl -sf "http://127.0.0.1:$HTTP_PORT/api/streams" | grep -q "\"name\" : \"$stream\""; do
    [ $SECONDS -lt $deadline ] || { echo "stream $stream never went live; server log: $log" >&2; exit 1; }
    sleep 0.2
  done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
if [ "$mode" = latency ]; then
  seconds=${1:-60}
  for keyframe in 1 2; do
    gop=$((30 * keyframe))
    ffmpeg -hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=size=320x180:rate=30 -re -f lavfi -i sine=frequency=440:sample_rate=44100 \
      -c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -g $gop -keyint_min $gop -sc_threshold 0 -b:v 1500k \
      -c:a aac -b:a 64k -f flv "$publish_url" &
    publisher=$!
    pids+=("$publisher")
    await_live
    echo "---- keyframe every $keyframe s: hls.js (lowLatencyMode, maxLiveSyncPlaybackRate 1.5), $seconds s after 5 s"
    (cd web-client && node e2e/hls-latency.mjs --base "http://127.0.0.1:$HTTP_PORT" --stream "$stream" --seconds "$seconds") | grep -v '^DONE$'
    kill "$publisher"; wait "$publisher" 2>/dev/null || true
    sleep 3  # the stream ends before the next publisher takes the name
  done
  exit 0
fi

counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000)
publog=$(mktemp -t bench-publish.XXXX.log)
bench_publish "$JAR" "$publish_url" "$publog"
pids+=("$!")
await_live
head -1 "$publog"
for n in "${counts[@]}"; do
  echo "---- $n LL-HLS players"
  java -Xmx2g -jar "$JAR" bench hls --url "http://127.0.0.1:$HTTP_PORT/live/$stream.m3u8" \
    --players "$n" --duration "${DURATION:-20s}" --server-pid "$server" || echo "(some players failed)"
  sleep 16  # the HLS session ends when nobody asked for 15 s: the next run starts without it
  echo "---- $n WebSocket-FLV viewers"
  java -Xmx2g -jar "$JAR" bench viewers --url "ws://127.0.0.1:$HTTP_PORT/live/$stream.flv" \
    --viewers "$n" --duration "${DURATION:-20s}" --server-pid "$server" || echo "(some viewers failed)"
done
