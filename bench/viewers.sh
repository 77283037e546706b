#!/usr/bin/env bash
# Fan-out benchmark: starts the standalone server from the jar on loopback, publishes a recorded
# clip over RTMP with `bench publish` (in real time, looped, every video frame carrying its send
# time), then runs N WebSocket-FLV viewers in a separate JVM for each N given and prints their figures.
#   bench/viewers.sh [--720p] [--clip FILE] [--http] [N ...]     (default N: 100 500)
#   --720p    a 1280x720 30 fps ~2 Mbps H.264 + AAC clip (20 s, recorded once with ffmpeg into
#             bench/out/; --ffmpeg is the same) instead of the bundled 640x360 demo clip
#   --clip F  publish the FLV file F (H.264 + AAC) instead
#   --http    play over HTTP-FLV instead of WebSocket-FLV
# Environment: DURATION (default 20s); BASELINE (server CPU with no viewers first, default 5s);
# JAR (default launcher/target/livestream.jar: another build's jar).
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
JAR=${JAR:-launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
. bench/common.sh

clip="" scheme=ws counts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --720p|--ffmpeg) clip=$CLIP_720P ;;
    --clip) clip=$(cd "$here" && realpath "$2"); shift ;;
    --http) scheme=http ;;
    *) counts+=("$1") ;;
  esac
  shift
done
[ ${#counts[@]} -gt 0 ] || counts=(100 500)

[ "$clip" != "$CLIP_720P" ] || record_720p_clip

HTTP_PORT=$(free_port) RTMP_PORT=$(free_port)
export LIVE_JWT_SECRET="bench-secret-$(date +%s)-0123456789abcdef"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
export LIVE_VIEWER_CONNECTION_RATE=0 LIVE_ROOM_CONNECTION_RATE=0 LIVE_SESSION_RATE=0  # one address opens them all at once
log=$(mktemp -t bench-server.XXXX.log)
pids=()
# the publisher first, then the server: the publisher should not see the server vanish under it
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; sleep 0.2; done; wait 2>/dev/null || true; }
trap cleanup EXIT

stream=bench
java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT" >"$log" 2>&1 &
server=$!
pids+=("$server")

until curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }; sleep 0.2; done
token=$(java -jar "$JAR" token publish --stream "$stream" --ttl 2h)
publog=$(mktemp -t bench-publish.XXXX.log)
bench_publish "$JAR" "rtmp://127.0.0.1:$RTMP_PORT/live/$stream?token=$token" "$publog" "$clip"
publisher=$!
pids+=("$publisher")

deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$HTTP_PORT/api/streams" | grep -q "\"name\" : \"$stream\""; do
  kill -0 "$publisher" 2>/dev/null || { echo "bench publish stopped:" >&2; cat "$publog" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "stream $stream never went live; server log: $log" >&2; exit 1; }
  sleep 0.2
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1)"
echo "stream:  $(curl -s "http://127.0.0.1:$HTTP_PORT/api/streams" | tr -d '\n ' | grep -o '"video":{[^}]*}' | head -1)"
head -1 "$publog"
for n in "${counts[@]}"; do
  echo "---- $n viewers"
  java -Xmx2g -jar "$JAR" bench viewers --url "$scheme://127.0.0.1:$HTTP_PORT/live/$stream.flv" \
    --viewers "$n" --duration "${DURATION:-20s}" --baseline "${BASELINE:-5s}" --server-pid "$server" || echo "(some viewers failed)"
done
