#!/usr/bin/env bash
# Regenerates the bundled demo clip (launcher/src/main/resources/demo/demo.flv): ten seconds of
# ffmpeg's testsrc2 pattern with a running clock and a sine tone, H.264 + AAC, one keyframe per
# second so that a viewer joining the looping demo starts within a second.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/launcher/src/main/resources/demo/demo.flv"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=30" \
  -f lavfi -i "sine=frequency=440:beep_factor=4:sample_rate=44100" \
  -t 10 \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -g 30 -keyint_min 30 -sc_threshold 0 -bf 0 \
  -b:v 500k -maxrate 500k -bufsize 500k \
  -c:a aac -b:a 64k -ac 2 \
  -f flv "$out"
ls -l "$out"
