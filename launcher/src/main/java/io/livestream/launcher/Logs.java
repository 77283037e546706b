package io.livestream.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per log record, with time and level, on standard error (java.util.logging).
 * The platform logs at LIVE_LOG_LEVEL (INFO; FINE adds a line per viewer placed or closed);
 * Hazelcast speaks only of warnings unless LIVE_CLUSTER_LOG_LEVEL says otherwise (e.g. INFO).
 */
final class Logs {
    /** Held so that the levels set on them are not lost to garbage collection. */
    private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");
    private static final Logger PLATFORM = Logger.getLogger("io.livestream");

    private Logs() {
    }

    static void configure() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
        String level = System.getenv().getOrDefault("LIVE_CLUSTER_LOG_LEVEL", "WARNING");
        HAZELCAST.setLevel(Level.parse(level.toUpperCase(java.util.Locale.ROOT)));
        PLATFORM.setLevel(Level.parse(System.getenv().getOrDefault("LIVE_LOG_LEVEL", "INFO").toUpperCase(java.util.Locale.ROOT)));
        for (java.util.logging.Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(Level.ALL); // the loggers' own levels decide
        }
    }
}
