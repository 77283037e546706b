package io.livestream.launcher.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FFmpeg 7.1, which publishes Enhanced RTMP (HEVC, AV1) where Debian's 5.1 cannot: the GPL build of
 * {@code org.bytedeco:ffmpeg}, unpacked by Maven into {@code target/ffmpeg7} (launcher/pom.xml), run
 * with {@code LD_LIBRARY_PATH} at its folder. For tests only.
 */
public final class Ffmpeg7 {
    private Ffmpeg7() {
    }

    /** The folder holding {@code ffmpeg}, {@code ffprobe} and their libraries, made runnable. */
    public static Path dir() {
        String configured = System.getProperty("ffmpeg7.dir", "target/ffmpeg7/org/bytedeco/ffmpeg/linux-x86_64-gpl");
        Path dir = Path.of(configured).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("ffmpeg"))) {
            throw new AssertionError("no FFmpeg 7.1 in " + dir + " (Maven's generate-test-resources unpacks it)");
        }
        for (String program : List.of("ffmpeg", "ffprobe")) {
            if (!dir.resolve(program).toFile().setExecutable(true)) {
                throw new AssertionError("cannot make " + dir.resolve(program) + " executable");
            }
        }
        return dir;
    }

    public static Map<String, String> env() {
        return Map.of("LD_LIBRARY_PATH", dir().toString());
    }

    /**
     * Publishes testsrc2 at 320x180, 25 fps, a key frame a second, plus an AAC sine, in real time over
     * RTMP with {@code encoder} (fast settings: {@code libx265} or {@code libsvtav1}), until closed.
     */
    public static Ffmpeg publish(String rtmpUrl, String encoder) {
        List<String> cmd = new ArrayList<>(List.of(dir().resolve("ffmpeg").toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", encoder, "-g", "25"));
        cmd.addAll(switch (encoder) {
            case "libx265" -> List.of("-b:v", "300k", "-preset", "ultrafast", "-tune", "zerolatency", "-x265-params", "log-level=error:scenecut=0");
            // low delay (pred-struct=1, which takes CRF or CBR), as live encoders run: random-access GOPs with hidden
            // frames play too, but Chromium's AV1 decoder fails on some of their frames now and then (docs/architecture.md)
            case "libsvtav1" -> List.of("-crf", "40", "-preset", "12", "-svtav1-params", "keyint=25:scd=0:pred-struct=1");
            default -> List.of("-b:v", "300k");
        });
        cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k", "-f", "flv", rtmpUrl));
        return Ffmpeg.start(cmd, env());
    }

    /** Runs ffprobe 7.1 with {@code args}; returns its process (stdout and stderr apart). */
    public static Process probe(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(dir().resolve("ffprobe").toString());
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(env());
        return builder.start();
    }
}
