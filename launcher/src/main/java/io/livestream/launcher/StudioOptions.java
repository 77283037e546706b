package io.livestream.launcher;

import io.livestream.gateway.GatewayConfig;
import picocli.CommandLine.Option;

/** What the studio tells streamers: standalone and the gateway role share these. */
public final class StudioOptions {
    @Option(names = "--public-rtmp-url", defaultValue = "${env:LIVE_PUBLIC_RTMP_URL}",
            description = "RTMP server the studio tells streamers to publish to, e.g. rtmp://live.example.com:1935/live"
                    + " (env LIVE_PUBLIC_RTMP_URL; default rtmps://<the page's host>:<rtmps port>/live with TLS, else rtmp://<the page's host>:<rtmp port>/live)")
    String publicRtmpUrl;

    /** The studio's settings; {@code openOnLoopback} only where the whole platform runs on this machine. */
    public GatewayConfig.Studio studio(boolean openOnLoopback, int rtmpPort, int rtmpsPort) {
        return new GatewayConfig.Studio(openOnLoopback, publicRtmpUrl == null || publicRtmpUrl.isBlank() ? null : publicRtmpUrl,
                rtmpPort, rtmpsPort);
    }
}
