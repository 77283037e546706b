package io.livestream.launcher;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One line per log record on standard error (java.util.logging): text with time and level, or with
 * LIVE_LOG_FORMAT=json one JSON object ({@link JsonLogFormatter}).
 * The platform logs at LIVE_LOG_LEVEL (INFO; FINE adds a line per viewer placed or closed);
 * Hazelcast speaks only of warnings unless LIVE_CLUSTER_LOG_LEVEL says otherwise (e.g. INFO).
 */
final class Logs {
    /** Held so that the levels set on them are not lost to garbage collection. */
    private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");
    private static final Logger PLATFORM = Logger.getLogger("io.livestream");
    private static volatile boolean jsonLines;

    private Logs() {
    }

    static void configure() {
        configure(System.getenv());
    }

    /** @throws BadSettingException for a format or a level that is not one, before any logger is touched */
    static void configure(Map<String, String> env) {
        String format = env.getOrDefault("LIVE_LOG_FORMAT", "text");
        Level cluster = level("LIVE_CLUSTER_LOG_LEVEL", env.getOrDefault("LIVE_CLUSTER_LOG_LEVEL", "WARNING"));
        Level platform = level("LIVE_LOG_LEVEL", env.getOrDefault("LIVE_LOG_LEVEL", "INFO"));
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        Formatter formatter = formatter(format);
        System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
        HAZELCAST.setLevel(cluster);
        PLATFORM.setLevel(platform);
        jsonLines = formatter instanceof JsonLogFormatter;
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(Level.ALL); // the loggers' own levels decide
            handler.setFormatter(formatter);
            if (jsonLines) {
                utf8(handler); // JSON is UTF-8 (RFC 8259 8.1), whatever the locale
            }
        }
    }

    /** Whether the log is JSON lines: then nothing else may be written to standard output or error. */
    static boolean jsonLines() {
        return jsonLines;
    }

    /** The formatter LIVE_LOG_FORMAT names: {@code text} (the default) or {@code json}. */
    static Formatter formatter(String format) {
        return switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> new SimpleFormatter(); // reads the format property when made
            case "json" -> new JsonLogFormatter();
            default -> throw new BadSettingException("LIVE_LOG_FORMAT must be text or json, not '" + format + "'");
        };
    }

    private static void utf8(Handler handler) {
        try {
            handler.setEncoding(StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // every JVM has UTF-8
        }
    }

    private static Level level(String variable, String value) {
        try {
            return Level.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadSettingException(variable + " must be a java.util.logging level (SEVERE, WARNING, INFO, FINE, ...), not '"
                    + value + "'");
        }
    }
}
