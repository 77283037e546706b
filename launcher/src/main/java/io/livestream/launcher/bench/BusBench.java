package io.livestream.launcher.bench;

import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.bus.MediaEvent;
import io.livestream.launcher.cluster.ClusterOptions;
import io.livestream.launcher.cluster.Clustering;
import io.livestream.media.MediaPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Media packets over the clustered event bus between two JVMs, as ingest sends them to a relay:
 * throughput with a window of writes in flight, and the delay one hop adds at a steady rate.
 * Run the sink first, then the source, in two processes of one cluster (bench/eventbus.sh).
 */
@Command(name = "bus", mixinStandardHelpOptions = true,
        description = "Event-bus throughput and hop delay for media packets between two clustered JVMs.")
final class BusBench implements Callable<Integer> {
    private static final String MEDIA = "media.bench-bus";
    private static final String READY = "bench.bus.ready";

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--role", required = true, description = "sink (start first) or source")
    String role;

    @Option(names = "--packets", defaultValue = "20000", description = "Packets in the throughput phase (default ${DEFAULT-VALUE})")
    int packets;

    @Option(names = "--size", defaultValue = "8192", description = "Payload bytes per packet (default ${DEFAULT-VALUE}: a 2 Mbps video frame)")
    int size;

    @Option(names = "--window", defaultValue = "16", description = "Writes in flight in the throughput phase (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--rate", defaultValue = "1000", description = "Packets per second in the delay phase (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of the delay phase (default ${DEFAULT-VALUE})")
    int seconds;

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Clustering.start(cluster).await();
        MediaCodecs.register(vertx.eventBus());
        try {
            return "sink".equals(role) ? sink(vertx) : source(vertx);
        } finally {
            vertx.close().await();
        }
    }

    /** Receives phases of packets; prints each phase's figures when its Ended marker arrives. */
    private int sink(Vertx vertx) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(2);
        long[][] delays = {new long[0]};
        int[] count = {0};
        long[] bytes = {0};
        long[] first = {0};
        long[] last = {0};
        vertx.eventBus().consumer(READY, m -> m.reply("ready"));
        vertx.eventBus().<MediaEvent>consumer(MEDIA, m -> {
            long now = System.nanoTime();
            if (m.body() instanceof MediaEvent.Packet p) {
                if (count[0] == 0) {
                    first[0] = now;
                }
                if (count[0] == delays[0].length) {
                    delays[0] = Arrays.copyOf(delays[0], Math.max(1024, count[0] * 2));
                }
                delays[0][count[0]++] = now - ByteBuffer.wrap(p.packet().payload()).getLong();
                bytes[0] += p.packet().size();
                last[0] = now;
            } else if (m.body() instanceof MediaEvent.Ended e) {
                report(e.reason(), Arrays.copyOf(delays[0], count[0]), bytes[0], (last[0] - first[0]) / 1e9);
                count[0] = 0;
                bytes[0] = 0;
                done.countDown();
            }
        }).completion().await();
        System.out.println("sink ready");
        done.await();
        return 0;
    }

    private static void report(String phase, long[] delays, long bytes, double seconds) {
        Arrays.sort(delays);
        System.out.printf(Locale.ROOT, "%-10s %d packets in %.2f s: %.0f packets/s, %.1f MB/s; hop delay p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                phase, delays.length, seconds, delays.length / seconds, bytes / seconds / 1e6,
                pct(delays, 50) / 1e6, pct(delays, 99) / 1e6, pct(delays, 100) / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private int source(Vertx vertx) throws InterruptedException {
        awaitSink(vertx);
        MessageProducer<MediaEvent> producer = vertx.eventBus().publisher(MEDIA);
        // Throughput: keep `window` writes in flight.
        Promise<Void> throughput = Promise.promise();
        vertx.runOnContext(v -> sendWindowed(producer, packets, new int[] {0}, new int[] {0}, throughput));
        throughput.future().await();
        producer.write(new MediaEvent.Ended(1, "throughput")).await();
        // Delay: a steady rate, as a live stream sends.
        Promise<Void> steady = Promise.promise();
        long total = (long) rate * seconds;
        long period = Math.max(1, 1000 / Math.max(1, rate / 10)); // ten-ish packets per timer tick
        long perTick = Math.max(1, rate * period / 1000);
        long[] sent = {0};
        vertx.setPeriodic(period, id -> {
            for (int i = 0; i < perTick && sent[0] < total; i++, sent[0]++) {
                producer.write(packet(sent[0]));
            }
            if (sent[0] >= total) {
                vertx.cancelTimer(id);
                steady.complete();
            }
        });
        steady.future().await();
        producer.write(new MediaEvent.Ended(1, "steady")).await();
        System.out.println("source done");
        return 0;
    }

    private void sendWindowed(MessageProducer<MediaEvent> producer, int total, int[] sent, int[] acked, Promise<Void> done) {
        while (sent[0] < total && sent[0] - acked[0] < window) {
            Future<Void> written = producer.write(packet(sent[0]++));
            written.onComplete(ar -> {
                acked[0]++;
                if (acked[0] == total) {
                    done.tryComplete();
                } else {
                    sendWindowed(producer, total, sent, acked, done);
                }
            });
        }
    }

    /** A video packet whose first 8 payload bytes carry the send time (System.nanoTime: one clock per machine). */
    private MediaEvent.Packet packet(long seq) {
        byte[] payload = new byte[Math.max(8, size)];
        ByteBuffer.wrap(payload).putLong(System.nanoTime());
        return new MediaEvent.Packet(1, seq, MediaPacket.video((int) seq, payload));
    }

    private static void awaitSink(Vertx vertx) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try {
                vertx.eventBus().request(READY, "", new DeliveryOptions().setSendTimeout(1000)).await();
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("no sink answered on " + READY);
    }
}
