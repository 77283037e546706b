package io.livestream.launcher;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** What every process of the launcher does alike, standalone or one role of a cluster: its meters, its end. */
public final class ProcessRuntime {
    private ProcessRuntime() {
    }

    /** A Prometheus registry with the JVM's memory, GC and processor meters bound to it. */
    public static PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        return prometheus;
    }

    /**
     * Blocks until the JVM is told to stop (SIGTERM, SIGINT), then runs {@code close} from the
     * shutdown hook and waits for it, so that connections are closed with a reason before the exit.
     */
    public static void runUntilShutdown(Supplier<Future<?>> close) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.get().await();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
