package io.livestream.launcher.harness;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real ffmpeg publishing a test pattern over RTMP, as a streamer would. */
public final class Ffmpeg implements AutoCloseable {
    private final Process process;
    private final Path log;

    private Ffmpeg(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Publishes testsrc2 + sine in real time (H.264 + AAC, one keyframe a second) until killed. */
    public static Ffmpeg publish(String rtmpUrl, int width, int height, int fps) {
        return publish(rtmpUrl, width, height, fps, 1);
    }

    /** As {@link #publish(String, int, int, int)}, with a keyframe every {@code keyframeSeconds} (no extra ones at scene cuts). */
    public static Ffmpeg publish(String rtmpUrl, int width, int height, int fps, int keyframeSeconds) {
        return publish(rtmpUrl, width, height, fps, keyframeSeconds, 0);
    }

    /** As {@link #publish(String, int, int, int)} for {@code seconds} only ({@code seconds * fps} video frames), then ffmpeg exits. */
    public static Ffmpeg publishFor(String rtmpUrl, int width, int height, int fps, int seconds) {
        return publish(rtmpUrl, width, height, fps, 1, seconds);
    }

    private static Ffmpeg publish(String rtmpUrl, int width, int height, int fps, int keyframeSeconds, int seconds) {
        String gop = String.valueOf(fps * keyframeSeconds);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-b:v", "1500k",
                "-c:a", "aac", "-b:a", "64k"));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-f", "flv", rtmpUrl));
        return start(cmd);
    }

    /** Runs ffmpeg with the given arguments (after {@code ffmpeg}). */
    public static Ffmpeg start(List<String> cmd) {
        return start(cmd, java.util.Map.of());
    }

    /** Runs the command line {@code cmd} (its program first) with {@code env} added to the environment. */
    public static Ffmpeg start(List<String> cmd, java.util.Map<String, String> env) {
        try {
            Path log = Files.createTempFile("ffmpeg-", ".log");
            ProcessBuilder builder = new ProcessBuilder(cmd);
            builder.environment().putAll(env);
            Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Ffmpeg(p, log);
        } catch (IOException e) {
            throw new AssertionError("cannot start ffmpeg (scripts/install-deps.sh installs it)", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for ffmpeg to exit by itself; returns its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("ffmpeg still running after " + seconds + " s; log:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGSTOP: ffmpeg stops sending without closing its connection, as an encoder that hangs or a network that stalls. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}: it sends again on the same connection. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL, as when a streamer's machine crashes: no FCUnpublish, no deleteStream. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill9();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
