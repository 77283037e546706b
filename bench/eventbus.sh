#!/usr/bin/env bash
# Event-bus benchmark: two clustered JVMs on loopback, a source sending media packets as ingest
# does and a sink receiving them as a relay does. Prints throughput (packets/s, MB/s, with a
# window of writes in flight) and the delay one hop adds at a steady rate (p50/p99/max).
#   bench/eventbus.sh [extra bench options, e.g. --size 65536 --window 8 --rate 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=launcher/target/livestream.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package
export LIVE_CLUSTER_NAME="bench-bus-$$" LIVE_CLUSTER_HOST=127.0.0.1 LIVE_CLUSTER_JOIN_WAIT_SECONDS=0
out=$(mktemp -t bench-bus.XXXX)
java -Xmx1g -jar "$JAR" bench bus --role sink "$@" >"$out" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
until grep -q "sink ready" "$out"; do
  kill -0 $sink 2>/dev/null || { cat "$out"; exit 1; }
  sleep 0.2
done
java -Xmx1g -jar "$JAR" bench bus --role source "$@" 2>&1 | grep -v "^\s*$" | grep -i "source done" >/dev/null
wait $sink
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1)"
grep -E "^(throughput|steady)" "$out"
