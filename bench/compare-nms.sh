#!/usr/bin/env bash
# Side by side with Node-Media-Server 4 (npm package node-media-server), in one run on this
# machine: the same publisher (`bench publish`: a recorded 1280x720 30 fps ~2 Mbps H.264 + AAC clip
# sent in real time over RTMP, every video frame carrying its send time in an SEI) and the same
# WebSocket-FLV viewer load (`bench viewers`) against each server in turn, for each N given.
# Each server first gets a warm-up load (WARMUP viewers for WARMUP_FOR, not reported: both runtimes
# JIT; after a 10 s warm-up the JVM's C2 compiler still took 0.6-3.8 % of a core in every 5 s of the
# next minute at 100 viewers, a tenth to a half of the server's CPU then),
# then each N is measured after a no-viewer CPU baseline. Prints a table (CPU per viewer, total and
# above the no-viewer baseline, RSS per viewer, first keyframe p99 from the upgrade, server-added
# delay p99 of video and of audio) with ratios ours/theirs, and plots it when gnuplot is present.
#   bench/compare-nms.sh [N ...]        (default: 100 500 1000; DURATION=20s, WARMUP=200, WARMUP_FOR=30s)
#   MERGE=100ms   also run ours with --viewer-merge-writes 100ms (a column set of its own)
#   PER_FRAME=1   also run ours with --max-write-delay 0: a send per video frame, never merged by load
#   JAR=another build's livestream.jar for the server; BENCH_JAR=the load generator's (default: JAR)
# Everything listens on 127.0.0.1 only; NMS runs with RTMP and HTTP only (no RTMPS, HTTPS, admin).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. bench/common.sh
JAR=${JAR:-$root/launcher/target/livestream.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
BENCH_JAR=${BENCH_JAR:-$JAR}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 500 1000)
DURATION=${DURATION:-20s} WARMUP=${WARMUP:-200} WARMUP_FOR=${WARMUP_FOR:-30s}
work=$(mktemp -d -t compare-nms.XXXX)
out=${OUT:-$root/bench/out}
mkdir -p "$out"
pids=()
stop_all() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; sleep 0.3; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; rm -rf "$work"' EXIT
record_720p_clip

echo "installing node-media-server 4 into $work/nms" >&2
npm install --silent --no-audit --no-fund --prefix "$work/nms" node-media-server@4 >/dev/null 2>&1

await_playing() { # http-flv url
  for _ in $(seq 1 120); do
    timeout 5 ffprobe -v error -read_intervals %+0.5 -show_entries stream=codec_type -of csv "$1" 2>/dev/null | grep -q video && return 0
    sleep 0.5
  done
  echo "stream at $1 never played" >&2; return 1
}
measure() { # name server-pid ws-url: warm-up, then each N
  java -Xmx2g -jar "$BENCH_JAR" bench viewers --url "$3" --viewers "$WARMUP" --duration "$WARMUP_FOR" --baseline 0s >/dev/null 2>&1 || true
  for n in "${counts[@]}"; do
    echo "---- $1, $n viewers" >&2
    java -Xmx2g -jar "$BENCH_JAR" bench viewers --url "$3" --viewers "$n" --duration "$DURATION" --baseline 5s --server-pid "$2" \
      > "$work/$1-$n.txt" 2>&1 || true
    cat "$work/$1-$n.txt" >&2
  done
}
ours() { # name [server args...]
  local name=$1; shift
  local http rtmp
  http=$(free_port) rtmp=$(free_port)
  java -Xms256m -Xmx1g -jar "$JAR" --host 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" "$@" > "$work/$name.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  until curl -sf "http://127.0.0.1:$http/health" >/dev/null; do kill -0 "$pid" || { cat "$work/$name.log"; exit 1; }; sleep 0.2; done
  bench_publish "$JAR" "rtmp://127.0.0.1:$rtmp/live/bench?token=$(java -jar "$JAR" token publish --stream bench --ttl 2h)" "$work/$name-publish.log" "$CLIP_720P"
  pids+=("$!")
  await_playing "http://127.0.0.1:$http/live/bench.flv"
  measure "$name" "$pid" "ws://127.0.0.1:$http/live/bench.flv"
  stop_all
}

export LIVE_JWT_SECRET="compare-$(date +%s)-0123456789abcdefghijkl"
# every client of the benchmark comes from 127.0.0.1: no per-address limits
export LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS=0 LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS=0
export LIVE_VIEWER_CONNECTION_RATE=0 LIVE_ROOM_CONNECTION_RATE=0 LIVE_SESSION_RATE=0  # one address opens them all at once
ours ours
[ -z "${MERGE:-}" ] || ours merged --viewer-merge-writes "$MERGE"
[ -z "${PER_FRAME:-}" ] || ours perframe --max-write-delay 0

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
bench_publish "$JAR" "rtmp://127.0.0.1:$rtmp/live/bench" "$work/nms-publish.log" "$CLIP_720P"
pids+=("$!")
await_playing "http://127.0.0.1:$http/live/bench.flv"
measure nms "$nms" "ws://127.0.0.1:$http/live/bench.flv"
stop_all

# ---- table
field() { # file line-prefix sed-expression that prints the number
  grep -E "^$2" "$1" | head -1 | sed -nE "$3"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else print "n/a" }'; }
cpu='s/.*; ([0-9.]+) % per viewer.*/\1/p' above='s/.*; (-?[0-9.]+) % per viewer above.*/\1/p'
rss='s/.*; (-?[0-9.]+) KB per viewer.*/\1/p' p99='s/.*p99 ([0-9.]+) ms.*/\1/p'
variants=(ours); [ -z "${MERGE:-}" ] || variants+=(merged); [ -z "${PER_FRAME:-}" ] || variants+=(perframe)
printf '\nmachine: %s cores; %s; node %s; %s per run after a %s-viewer warm-up of %s\n' "$(nproc)" "$(java -version 2>&1 | head -1)" \
  "$(node --version)" "$DURATION" "$WARMUP" "$WARMUP_FOR"
: > "$out/compare-nms.dat"
for v in "${variants[@]}"; do
  case $v in ours) echo "ours: defaults";; merged) echo "ours: --viewer-merge-writes $MERGE";; *) echo "ours: --max-write-delay 0";; esac
  printf '%7s | %9s %9s %5s | %9s %9s %5s | %7s %7s | %9s %9s | %9s %9s | %9s %9s\n' viewers "cpu%/v" "nms" ratio \
    "above0" "nms" ratio "rssKB/v" "nms" "upg>kf99" "nms" "video99" "nms" "audio99" "nms"
  for n in "${counts[@]}"; do
    o="$work/$v-$n.txt" t="$work/nms-$n.txt"
    oc=$(field "$o" "server cpu" "$cpu"); tc=$(field "$t" "server cpu" "$cpu")
    oa=$(field "$o" "  no viewers" "$above"); ta=$(field "$t" "  no viewers" "$above")
    orss=$(field "$o" "server rss" "$rss"); trss=$(field "$t" "server rss" "$rss")
    ou=$(field "$o" "  after upgrade" "$p99"); tu=$(field "$t" "  after upgrade" "$p99")
    od=$(field "$o" "server delay" "$p99"); td=$(field "$t" "server delay" "$p99")
    oaud=$(field "$o" "  audio" "$p99"); taud=$(field "$t" "  audio" "$p99")
    printf '%7s | %9s %9s %5s | %9s %9s %5s | %7s %7s | %9s %9s | %9s %9s | %9s %9s\n' "$n" "$oc" "$tc" "$(ratio "$oc" "$tc")" \
      "$oa" "$ta" "$(ratio "$oa" "$ta")" "$orss" "$trss" "$ou" "$tu" "$od" "$td" "$oaud" "$taud"
    [ "$v" != ours ] || echo "$n $oc $tc $od $td $oaud $taud" >> "$out/compare-nms.dat"
  done
done
if command -v gnuplot >/dev/null 2>&1; then
  gnuplot <<GP
set terminal pngcairo size 900,420
set output "$out/compare-nms.png"
set multiplot layout 1,2
set xlabel "viewers"; set key top left
set title "server CPU per viewer (% of a core)"
plot "$out/compare-nms.dat" using 1:2 with linespoints title "livestream", "" using 1:3 with linespoints title "node-media-server"
set title "server-added delay p99 (ms)"
plot "$out/compare-nms.dat" using 1:4 with linespoints title "livestream video", "" using 1:5 with linespoints title "node-media-server video", \\
     "" using 1:6 with linespoints dashtype 2 title "livestream audio", "" using 1:7 with linespoints dashtype 2 title "node-media-server audio"
unset multiplot
GP
  echo "plot: $out/compare-nms.png"
else
  echo "(install gnuplot for the plot: apt-get install gnuplot-nox)"
fi
