package io.livestream.launcher;

/** One line per log record, with time and level, on standard error (java.util.logging). */
final class Logs {
    private Logs() {
    }

    static void configure() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s [%3$s] %5$s%6$s%n");
        System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
    }
}
