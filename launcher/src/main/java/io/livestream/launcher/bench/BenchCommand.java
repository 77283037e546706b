package io.livestream.launcher.bench;

import picocli.CommandLine.Command;

/** Benchmark tools: loads to drive against a running platform on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks against a running server (loopback only).",
        subcommands = {PublishBench.class, ViewersBench.class, HlsBench.class, BusBench.class, RoomBench.class, RoomClusterBench.class})
public final class BenchCommand {
}
