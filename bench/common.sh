# Shared by the bench scripts (sourced): free ports, the recorded 720p clip, a looping publisher.

# A port nobody listens on, below the kernel's ephemeral range (32768+): a port handed out by
# bind(0) can be taken by any outgoing connection before the server binds it.
free_port() { python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(20000, 32000); s = socket.socket()
    try: s.bind(("0.0.0.0", p)); print(p); break
    except OSError: pass
    finally: s.close()'; }

# A 1280x720 30 fps ~2 Mbps H.264 (no B-frames) + AAC clip of 20 s, recorded once with ffmpeg.
CLIP_720P=bench/out/clip-720p30.flv
record_720p_clip() {
  [ -f "$CLIP_720P" ] && return 0
  mkdir -p "$(dirname "$CLIP_720P")"
  echo "recording $CLIP_720P (1280x720 30 fps, 2 Mbps H.264 without B-frames, AAC; 20 s)" >&2
  ffmpeg -hide_banner -loglevel error -nostdin -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=44100 -t 20 \
    -c:v libx264 -preset veryfast -tune zerolatency -g 30 -bf 0 -b:v 2000k -maxrate 2000k -bufsize 2000k -pix_fmt yuv420p \
    -c:a aac -b:a 64k -f flv "$CLIP_720P.tmp" && mv "$CLIP_720P.tmp" "$CLIP_720P"
}

# bench_publish JAR RTMP_URL LOG [CLIP]: `bench publish` in the background, looping, every video
# frame carrying its send time; its pid in $!
bench_publish() {
  java -Xmx256m -jar "$1" bench publish --url "$2" --loop ${4:+--file "$4"} >"$3" 2>&1 &
}
