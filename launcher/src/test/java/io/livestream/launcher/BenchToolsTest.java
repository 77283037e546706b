package io.livestream.launcher;

import io.livestream.launcher.harness.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short smoke run of the bench tools: {@code bench publish} loops the bundled demo clip into the
 * platform while {@code bench viewers} plays it with 20 viewers for 10 s. It checks that the tools
 * still work and that their figures are sane (every viewer got data, delays are finite and not
 * negative); it asserts no performance figure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchToolsTest {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?|NaN");
    /** {@code p50 X ms, p99 Y ms, max Z ms (... N video frames ...)}, as bench/compare-nms.sh reads it. */
    private static final Pattern PERCENTILES = Pattern.compile("p50 (\\S+) ms, p99 (\\S+) ms, max (\\S+) ms \\(.*?(\\d+) (?:video|audio) frames");
    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start();
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @Test
    void publisherAndTwentyViewersReportSaneFiguresWithTheDelayFromTheSendTimes() throws Exception {
        String stream = "benchsmoke";
        StringWriter published = new StringWriter();
        StringWriter publishErrors = new StringWriter();
        AtomicInteger publishExit = new AtomicInteger(-1);
        String report = whilePublishing(stream, published, publishErrors, publishExit, () -> Commands.output("bench", "viewers",
                "--url", "ws://127.0.0.1:" + platform.httpPort() + "/live/" + stream + ".flv",
                "--viewers", "20", "--duration", "10s", "--ramp", "1s", "--settle", "2s", "--baseline", "1s",
                "--server-pid", Long.toString(ProcessHandle.current().pid())));

        System.out.println(published + report); // the figures, for whoever reads the CI log
        assertThat(publishExit.get()).as("bench publish exit; stderr: %s", publishErrors).isZero();
        assertThat(published.toString()).as("the demo clip is H.264 + AAC").contains("H.264").contains("AAC");
        assertThat(numbers(published.toString(), "sent")[0]).as("video frames sent").isPositive();

        assertThat(report).as(report).contains("20 asked, 20 playing, 0 failed");
        assertThat(numbers(report, "delivered")[1]).as("the slowest viewer's Mbps: every viewer got data").isPositive();
        Matcher firstKeyframe = Pattern.compile("p99 (\\S+) ms").matcher(line(report, "first keyframe"));
        assertThat(firstKeyframe.find() && Double.isFinite(Double.parseDouble(firstKeyframe.group(1)))).as(line(report, "first keyframe")).isTrue();
        assertThat(line(report, "server delay")).contains("from the send-time SEI");
        assertDelays(report, "server delay");
        assertDelays(report, "  audio");
        assertThat(numbers(report, "server cpu")).as("server cpu").hasSizeGreaterThanOrEqualTo(2);
        assertThat(line(report, "  no viewers")).contains("% per viewer above the no-viewer baseline");
    }

    /** {@code bench hls}: ten LL-HLS players follow the demo clip for 5 s with blocking reloads; every one is answered, none fails. */
    @Test
    void tenLlHlsPlayersAreAnsweredForEveryPartWithSaneFigures() throws Exception {
        String stream = "benchhls";
        String report = whilePublishing(stream, new StringWriter(), new StringWriter(), new AtomicInteger(), () -> Commands.output("bench", "hls",
                "--url", "http://127.0.0.1:" + platform.httpPort() + "/live/" + stream + ".m3u8",
                "--players", "10", "--duration", "5s", "--ramp", "1s", "--settle", "3s", "--baseline", "0s",
                "--server-pid", Long.toString(ProcessHandle.current().pid())));
        System.out.println(report);
        assertThat(report).as(report).contains("10 asked, 10 answered in the window, 0 errors");
        assertThat(numbers(report, "reloads")[1]).as("reloads per player per second: parts of at most 0.5 s").isGreaterThanOrEqualTo(1.5);
        Matcher afterEnd = Pattern.compile("p50 (\\S+) ms, p99 (\\S+) ms").matcher(line(report, "part end->answer"));
        assertThat(afterEnd.find()).isTrue();
        assertThat(Double.parseDouble(afterEnd.group(1))).as("answered after the part's end, not before it").isGreaterThanOrEqualTo(0);
        assertThat(numbers(report, "parts fetched")[1]).as("Mbps per player").isPositive();
        assertThat(Commands.refused("bench", "hls", "--url", "http://192.0.2.1/live/x.m3u8")).contains("loopback");
    }

    @Test
    void aRefusedPublishFailsWithTheServersReason() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
                .execute("bench", "publish", "--url", platform.rtmpUrl("nope", "not-a-token"));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("refused").contains("NetStream.Publish.Unauthorized").doesNotContain("not-a-token");
    }

    @Test
    void publishAndViewersRefuseTargetsOffThisMachine() {
        assertThat(Commands.refused("bench", "publish", "--url", "rtmp://192.0.2.1/live/x")).contains("loopback only");
        assertThat(Commands.refused("bench", "viewers", "--url", "ws://192.0.2.1/live/x.flv")).contains("loopback");
    }

    /** Runs {@code load} while {@code bench publish} loops the demo clip into {@code stream}; returns its report. */
    private static String whilePublishing(String stream, StringWriter out, StringWriter err, AtomicInteger exit, Callable<String> load) throws Exception {
        Thread publisher = new Thread(() -> exit.set(Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("bench", "publish", "--url", platform.publishUrl(stream), "--loop", "--duration", "90s")), "bench-publish-" + stream);
        publisher.start();
        try {
            platform.awaitLive(stream, Duration.ofSeconds(20));
            return load.call();
        } finally {
            publisher.interrupt(); // ends the publish cleanly: it unpublishes and prints what it sent
            publisher.join(10_000);
        }
    }

    /** p50, p99 and max finite, p50 not below zero (one clock: a negative delay would mean misread send times), and samples. */
    private static void assertDelays(String report, String key) {
        Matcher m = PERCENTILES.matcher(line(report, key));
        assertThat(m.find()).as(line(report, key)).isTrue();
        for (int i = 1; i <= 3; i++) {
            assertThat(Double.parseDouble(m.group(i))).as("%s figure %d in: %s", key, i, m.group()).isFinite();
        }
        assertThat(Double.parseDouble(m.group(1))).as("%s p50", key).isGreaterThanOrEqualTo(0);
        assertThat(Integer.parseInt(m.group(4))).as("%s samples", key).isPositive();
    }

    private static String line(String report, String key) {
        return report.lines().filter(l -> l.startsWith(key + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + key + ":' line in:\n" + report));
    }

    /** The numbers of a report line after its key, in order. */
    private static double[] numbers(String report, String key) {
        Matcher m = NUMBER.matcher(line(report, key).substring(key.length() + 1));
        return m.results().mapToDouble(r -> Double.parseDouble(r.group())).toArray();
    }
}
