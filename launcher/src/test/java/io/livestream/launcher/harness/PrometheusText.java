package io.livestream.launcher.harness;

import java.util.Arrays;

/** Reads figures out of a Prometheus text exposition, as a scraper would. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** The sum of metric {@code name} over the series that carry every given {@code label="value"}. */
    public static double sum(String exposition, String name, String... labels) {
        return exposition.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
