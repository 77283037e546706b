#!/usr/bin/env bash
# Side by side with Node-Media-Server 4 (npm package node-media-server), in one run on this
# machine: the same ffmpeg publisher (1280x720 30 fps ~2 Mbps H.264 + AAC) and the same
# WebSocket-FLV viewer load (bench viewers) against each server in turn, for each N given.
# Prints a table (CPU and RSS per viewer, first keyframe p99, server-added delay p99 where the
# server carries a clock) with the ratio ours/theirs, and plots it when gnuplot is present.
#   bench/compare-nms.sh [N ...]        (default: 100 500 1000; DURATION=20s)
#   JAR=another build's livestream.jar for the server; BENCH_JAR=the viewers' (default: JAR), to
#   compare two servers under the same load generator
# Everything listens on 127.0.0.1 only; NMS runs with RTMP and HTTP only (no RTMPS, HTTPS, admin).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
JAR=${JAR:-$root/launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
BENCH_JAR=${BENCH_JAR:-$JAR}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 500 1000)
DURATION=${DURATION:-20s}
work=$(mktemp -d -t compare-nms.XXXX)
out=${OUT:-$root/bench/out}
mkdir -p "$out"
pids=()
stop_all() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; sleep 0.3; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "installing node-media-server 4 into $work/nms" >&2
npm install --silent --no-audit --no-fund --prefix "$work/nms" node-media-server@4 >/dev/null 2>&1

publish() { # url
  ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -re -f lavfi -i sine=frequency=440:sample_rate=44100 \
    -c:v libx264 -preset ultrafast -tune zerolatency -g 30 -b:v 2000k -maxrate 2000k -bufsize 2000k \
    -c:a aac -b:a 64k -f flv "$1" &
  pids+=("$!")
}
await_playing() { # http-flv url
  for _ in $(seq 1 120); do
    timeout 5 ffprobe -v error -read_intervals %+0.5 -show_entries stream=codec_type -of csv "$1" 2>/dev/null | grep -q video && return 0
    sleep 0.5
  done
  echo "stream at $1 never played" >&2; return 1
}
run_viewers() { # name pid ws-url n
  java -Xmx2g -jar "$BENCH_JAR" bench viewers --url "$3" --viewers "$4" --duration "$DURATION" --server-pid "$2" \
    > "$work/$1-$4.txt" 2>&1 || true
  cat "$work/$1-$4.txt" >&2
}

# ---- ours
http=$(free_port) rtmp=$(free_port)
export LIVE_JWT_SECRET="compare-$(date +%s)-0123456789abcdefghijkl"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" > "$work/ours.log" 2>&1 &
ours=$!; pids+=("$ours")
until curl -sf "http://127.0.0.1:$http/health" >/dev/null; do sleep 0.2; done
publish "rtmp://127.0.0.1:$rtmp/live/bench?token=$(java -jar "$JAR" token publish --stream bench --ttl 2h)"
await_playing "http://127.0.0.1:$http/live/bench.flv"
for n in "${counts[@]}"; do echo "---- ours, $n viewers" >&2; run_viewers ours "$ours" "ws://127.0.0.1:$http/live/bench.flv" "$n"; done
stop_all

# ---- Node-Media-Server
http=$(free_port) rtmp=$(free_port)
cat > "$work/nms.json" <<JSON
{ "bind": "127.0.0.1",
  "store": { "path": "$work/nms-data", "maxHistory": 100 },
  "auth": { "play": false, "publish": false, "secret": "" },
  "rtmp": { "port": $rtmp },
  "http": { "port": $http },
  "webadmin": { "enable": false },
  "record": { "auto": false, "path": "$work/nms-record" } }
JSON
(cd "$work" && exec node "$work/nms/node_modules/node-media-server/bin/app.js" -c "$work/nms.json" --no-admin > "$work/nms.log" 2>&1) &
nms=$!; pids+=("$nms")
until grep -q "HTTP server listening" "$work/nms.log" 2>/dev/null; do kill -0 $nms || { cat "$work/nms.log"; exit 1; }; sleep 0.2; done
publish "rtmp://127.0.0.1:$rtmp/live/bench"
await_playing "http://127.0.0.1:$http/live/bench.flv"
for n in "${counts[@]}"; do echo "---- node-media-server, $n viewers" >&2; run_viewers nms "$nms" "ws://127.0.0.1:$http/live/bench.flv" "$n"; done
stop_all

# ---- table
field() { # file line-prefix sed-expression that prints the number
  grep -E "^$2" "$1" | head -1 | sed -nE "$3"
}
printf '\nmachine: %s cores; %s; node %s\n' "$(nproc)" "$(java -version 2>&1 | head -1)" "$(node --version)"
printf '%7s | %12s %12s %6s | %12s %12s %6s | %10s %10s | %12s %12s | %10s\n' viewers "cpu%/v ours" "cpu%/v nms" ratio "rss KB/v ours" "rss KB/v nms" ratio "kf p99 ours" "kf p99 nms" "upg>kf ours" "upg>kf nms" "delay p99"
: > "$out/compare-nms.dat"
for n in "${counts[@]}"; do
  o="$work/ours-$n.txt" t="$work/nms-$n.txt"
  cpu='s/.*; ([0-9.]+) % per viewer.*/\1/p' rss='s/.*; (-?[0-9.]+) KB per viewer.*/\1/p' p99='s/.*p99 ([0-9.]+) ms.*/\1/p'
  oc=$(field "$o" "server cpu" "$cpu"); tc=$(field "$t" "server cpu" "$cpu")
  orss=$(field "$o" "server rss" "$rss"); trss=$(field "$t" "server rss" "$rss")
  ok=$(field "$o" "first keyframe" "$p99"); tk=$(field "$t" "first keyframe" "$p99")
  ou=$(field "$o" "  after upgrade" "$p99"); tu=$(field "$t" "  after upgrade" "$p99")
  od=$(field "$o" "server delay" "$p99")
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
  printf '%7s | %12s %12s %6s | %12s %12s %6s | %10s %10s | %12s %12s | %10s\n' "$n" "$oc" "$tc" "$(ratio "$oc" "$tc")" "$orss" "$trss" "$(ratio "$orss" "$trss")" "$ok" "$tk" "$ou" "$tu" "$od"
  echo "$n $oc $tc $ok $tk $ou $tu" >> "$out/compare-nms.dat"
done
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot <<GP
set terminal pngcairo size 900,420
set output "$out/compare-nms.png"
set multiplot layout 1,2
set xlabel "viewers"; set key top left
set title "server CPU per viewer (% of a core)"
plot "$out/compare-nms.dat" using 1:2 with linespoints title "livestream", "" using 1:3 with linespoints title "node-media-server"
set title "first keyframe p99 (ms)"
plot "$out/compare-nms.dat" using 1:4 with linespoints title "livestream (from connect)", "" using 1:5 with linespoints title "node-media-server (from connect)", \\
     "" using 1:6 with linespoints dashtype 2 title "livestream (from upgrade)", "" using 1:7 with linespoints dashtype 2 title "node-media-server (from upgrade)"
unset multiplot
GP
  echo "plot: $out/compare-nms.png"
else
  echo "(install gnuplot for the plot: apt-get install gnuplot-nox)"
fi
