package io.livestream.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per log record, with time and level, on standard error (java.util.logging).
 * Hazelcast speaks only of warnings unless LIVE_CLUSTER_LOG_LEVEL says otherwise (e.g. INFO).
 */
final class Logs {
    /** Held so that the level set on it is not lost to garbage collection. */
    private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");

    private Logs() {
    }

    static void configure() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
        String level = System.getenv().getOrDefault("LIVE_CLUSTER_LOG_LEVEL", "WARNING");
        HAZELCAST.setLevel(Level.parse(level.toUpperCase(java.util.Locale.ROOT)));
    }
}
