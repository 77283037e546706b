#!/bin/sh
# Makes the Enhanced RTMP fixtures with FFmpeg 7.1 (org.bytedeco:ffmpeg:7.1.1-1.5.12, classifier
# linux-x86_64-gpl: unpack org/bytedeco/ffmpeg/linux-x86_64-gpl/ and point FFMPEG_DIR at it).
# Four frames of testsrc2 at 320x180, a key frame every two: sequence start, the Metadata
# packet (colorInfo), key frames and inter frames for each codec. FFmpeg 7.1's FLV muxer writes
# no FourCC audio (Opus, FLAC, AC-3 came in 8.0), so the audio tests use bytes made by hand.
set -e
D=${FFMPEG_DIR:?set FFMPEG_DIR to the unpacked linux-x86_64-gpl folder}
export LD_LIBRARY_PATH="$D"
cd "$(dirname "$0")"
F="$D/ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=25 -frames:v 4 -g 2"
$F -c:v libx265 -preset ultrafast -x265-params log-level=error hevc-320x180.flv
$F -c:v libsvtav1 -preset 12 -svtav1-params keyint=2 av1-320x180.flv
$F -c:v libvpx-vp9 -deadline realtime -cpu-used 8 vp9-320x180.flv
