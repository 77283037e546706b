package io.livestream.launcher;

import picocli.CommandLine.Option;

/** Where a process serves HTTP: every command that runs a server has these. */
public final class ServerOptions {
    @Option(names = "--http-port", defaultValue = "${env:LIVE_HTTP_PORT:-8080}",
            description = "HTTP port (env LIVE_HTTP_PORT; default ${DEFAULT-VALUE})")
    public int httpPort;

    @Option(names = "--host", defaultValue = "${env:LIVE_HOST:-0.0.0.0}",
            description = "Interface to bind (env LIVE_HOST; default ${DEFAULT-VALUE})")
    public String host;
}
