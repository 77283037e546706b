package io.livestream.launcher.bench;

import io.livestream.launcher.Durations;
import io.livestream.media.MediaPacket;
import io.livestream.media.amf.Amf0;
import io.livestream.media.codec.SendTimeSei;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.livestream.media.rtmp.RtmpProtocolException;
import io.netty.buffer.Unpooled;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a recorded FLV over RTMP in real time, as a camera would: each tag leaves when its
 * timestamp is due on a monotonic clock, and every video frame carries its wall-clock send time
 * ({@link SendTimeSei}), so that viewers of any server measure the delay it adds.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a recorded H.264/AAC FLV over RTMP in real time, each video frame carrying its send time (SEI).")
final class PublishBench implements Callable<Integer> {
    /** AVCPacketType 1: a coded frame, the tags that get a send time. */
    private static final byte AVC_NALU = 1;

    @Option(names = "--url", required = true, description = "rtmp://127.0.0.1:1935/APP/NAME?token=...")
    URI url;

    @Option(names = "--file", description = "FLV file with H.264 (and AAC) (default: the bundled 640x360 demo clip)")
    Path file;

    @Option(names = "--loop", description = "Start the file again at its end, timestamps continuing")
    boolean loop;

    @Option(names = "--duration", defaultValue = "0s", converter = Durations.class,
            description = "Stop after this long (default: the file once, or never with --loop)")
    Duration duration;

    @Option(names = "--chunk-size", defaultValue = "4096", description = "RTMP chunk size to send with (default ${DEFAULT-VALUE})")
    int chunkSize;

    @Spec
    CommandSpec spec;

    /** What a run sent; {@code maxLateMs}: how far a tag fell behind its schedule at worst. */
    record Sent(long videoFrames, long audioFrames, long bytes, double seconds, int passes, double maxLateMs) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String host = url.getHost();
        if (!"rtmp".equals(url.getScheme()) || host == null || !(host.equals("127.0.0.1") || host.equals("localhost"))) {
            err.println("bench publish: rtmp:// on loopback only (127.0.0.1, localhost)");
            return 2;
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceFirst("^/+", "");
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            err.println("bench publish: the URL needs an application and a stream name: rtmp://HOST:PORT/APP/NAME");
            return 2;
        }
        String app = path.substring(0, slash);
        String name = path.substring(slash + 1);
        String key = name + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        int port = url.getPort() > 0 ? url.getPort() : 1935;
        String target = "rtmp://" + host + ":" + port + "/" + path; // without the token
        FlvClip clip;
        try {
            clip = file == null ? FlvClip.demo() : FlvClip.read(file);
        } catch (IOException | RuntimeException e) {
            err.println("bench publish: cannot use " + (file == null ? "the demo clip" : file) + ": " + e.getMessage());
            return 2;
        }
        out.printf(Locale.ROOT, "publishing:      %s to %s%s%n", clip.describe(), target, loop ? ", looped" : "");
        out.flush();
        try (RtmpClient rtmp = new RtmpClient(host, port)) {
            String code = rtmp.publish(app, "rtmp://" + host + ":" + port + "/" + app, key);
            if (!RtmpClient.PUBLISH_START.equals(code)) {
                err.println("bench publish: the server refused the publish of " + target + ": " + code + " (" + rtmp.lastStatusDescription() + ")");
                return 1;
            }
            rtmp.setChunkSize(chunkSize);
            Sent sent = publish(rtmp, clip, name);
            out.printf(Locale.ROOT, "sent:            %d video frames (each with its send time), %d audio frames, %.1f MB in %.1f s (%.2f Mbps), %d pass%s%n",
                    sent.videoFrames(), sent.audioFrames(), sent.bytes() / 1e6, sent.seconds(),
                    sent.bytes() * 8 / Math.max(0.001, sent.seconds()) / 1e6, sent.passes(), sent.passes() == 1 ? "" : "es");
            out.printf(Locale.ROOT, "schedule:        at most %.1f ms behind%n", sent.maxLateMs());
            out.flush();
            return 0;
        } catch (IOException | RtmpProtocolException e) {
            err.println("bench publish: " + target + ": " + e.getMessage());
            return 1;
        }
    }

    /** The clip's metadata and sequence headers, as an encoder starts a stream. */
    private static void sendHeaders(RtmpClient rtmp, FlvClip clip, int stream) throws IOException {
        if (clip.metadata() != null) {
            List<Object> values = new ArrayList<>(Amf0.decodeAll(Unpooled.wrappedBuffer(clip.metadata().payload())));
            values.add(0, "@setDataFrame");
            rtmp.send(new RtmpMessage.Data(0, stream, values));
        }
        for (MediaPacket h : clip.sequenceHeaders()) {
            rtmp.send(media(h.kind(), 0, stream, h.payload()));
        }
    }

    /** Sends the clip on schedule until it ends (once, or at the deadline when looped) or the thread is interrupted. */
    private Sent publish(RtmpClient rtmp, FlvClip clip, String name) throws IOException {
        int stream = rtmp.streamId();
        sendHeaders(rtmp, clip, stream);
        int nalLengthSize = clip.video().nalLengthSize();
        List<MediaPacket> media = clip.media();
        long start = System.nanoTime();
        long stop = duration.isZero() ? Long.MAX_VALUE : start + duration.toNanos();
        long video = 0;
        long audio = 0;
        long bytes = 0;
        long maxLateNanos = 0;
        long offset = 0;
        int passes = 1;
        int next = 0;
        try {
            while (true) {
                MediaPacket p = media.get(next);
                long ts = offset + p.timestamp();
                long due = start + TimeUnit.MILLISECONDS.toNanos(ts);
                if (due >= stop || Thread.currentThread().isInterrupted()) {
                    break;
                }
                rtmp.serviceInbound();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else {
                    maxLateNanos = Math.max(maxLateNanos, -wait);
                }
                byte[] payload = p.payload();
                if (p.kind() == MediaPacket.Kind.VIDEO) {
                    if (payload.length > 1 && payload[1] == AVC_NALU) {
                        payload = SendTimeSei.insert(payload, nalLengthSize, epochMicros()); // stamped the moment it leaves
                    }
                    video++;
                } else {
                    audio++;
                }
                rtmp.send(media(p.kind(), ts, stream, payload));
                bytes += payload.length;
                if (++next == media.size()) {
                    if (!loop) {
                        break;
                    }
                    next = 0;
                    offset += clip.passMs();
                    passes++;
                }
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        rtmp.send(RtmpCommands.fcUnpublish(0, name));
        rtmp.send(RtmpCommands.deleteStream(0, stream));
        return new Sent(video, audio, bytes, seconds, passes, maxLateNanos / 1e6);
    }

    private static RtmpMessage media(MediaPacket.Kind kind, long ts, int stream, byte[] payload) {
        return kind == MediaPacket.Kind.VIDEO ? new RtmpMessage.Video(ts, stream, payload) : new RtmpMessage.Audio(ts, stream, payload);
    }

    /** The wall clock in microseconds since the epoch, as the send-time SEI carries it. */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
