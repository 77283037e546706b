#!/usr/bin/env bash
# Fan-out benchmark: starts the standalone server from the jar on loopback, publishes a stream,
# then runs N WebSocket-FLV viewers in a separate JVM for each N given and prints their figures.
#   bench/viewers.sh [--ffmpeg] [--http] [N ...]     (default N: 100 500)
#   --ffmpeg  publish a 1280x720 30 fps ~2 Mbps H.264/AAC pattern with ffmpeg (default: the 640x360 demo clip)
#   --http    play over HTTP-FLV instead of WebSocket-FLV
# Environment: DURATION (default 20s); JAR (default launcher/target/livestream.jar: another build's jar).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package

use_ffmpeg=0 scheme=ws counts=()
for arg in "$@"; do
  case "$arg" in
    --ffmpeg) use_ffmpeg=1 ;;
    --http) scheme=http ;;
    *) counts+=("$arg") ;;
  esac
done
[ ${#counts[@]} -gt 0 ] || counts=(100 500)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port) RTMP_PORT=$(free_port)
export LIVE_JWT_SECRET="bench-secret-$(date +%s)-0123456789abcdef"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
log=$(mktemp -t bench-server.XXXX.log)
pids=()
# the publisher first, then the server: ffmpeg should not see the server vanish under it
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; sleep 0.2; done; wait 2>/dev/null || true; }
trap cleanup EXIT

stream=demo
args=(--host 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT")
[ $use_ffmpeg -eq 1 ] || args+=(--demo)
java -Xms256m -Xmx1g -jar "$JAR" "${args[@]}" >"$log" 2>&1 &
server=$!
pids+=("$server")

if [ $use_ffmpeg -eq 1 ]; then
  stream=bench
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do sleep 0.2; done
  token=$(java -jar "$JAR" token publish --stream "$stream" --ttl 2h)
  ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -re -f lavfi -i sine=frequency=440:sample_rate=44100 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -b:v 2000k -maxrate 2000k -bufsize 2000k \
    -c:a aac -b:a 64k -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/$stream?token=$token" &
  pids+=("$!")
fi

deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$HTTP_PORT/api/streams" | grep -q "\"name\" : \"$stream\""; do
  [ $SECONDS -lt $deadline ] || { echo "stream $stream never went live; server log: $log" >&2; exit 1; }
  sleep 0.2
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1)"
echo "stream:  $(curl -s "http://127.0.0.1:$HTTP_PORT/api/streams" | tr -d '\n ' | grep -o '"video":{[^}]*}' | head -1)"
for n in "${counts[@]}"; do
  echo "---- $n viewers"
  java -Xmx2g -jar "$JAR" bench viewers --url "$scheme://127.0.0.1:$HTTP_PORT/live/$stream.flv" \
    --viewers "$n" --duration "${DURATION:-20s}" --server-pid "$server" || echo "(some viewers failed)"
done
