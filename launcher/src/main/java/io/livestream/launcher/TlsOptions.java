package io.livestream.launcher;

import io.livestream.common.net.TlsFiles;
import picocli.CommandLine.Option;

/** A certificate and key (PEM) that turn on HTTPS/WSS on the HTTP port, and RTMPS where a process ingests. */
public final class TlsOptions {
    @Option(names = "--tls-cert", defaultValue = "${env:LIVE_TLS_CERT:-}",
            description = "PEM certificate (chain) for HTTPS/WSS, and RTMPS on ingest (env LIVE_TLS_CERT; with --tls-key)")
    public String cert;

    @Option(names = "--tls-key", defaultValue = "${env:LIVE_TLS_KEY:-}",
            description = "PEM private key of --tls-cert (env LIVE_TLS_KEY)")
    public String key;

    /** The checked pair, or null when TLS is off. */
    public TlsFiles load() {
        try {
            return TlsFiles.load(cert, key);
        } catch (IllegalArgumentException e) {
            throw new BadSettingException(e.getMessage());
        }
    }
}
