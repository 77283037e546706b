package io.livestream.launcher;

import io.livestream.common.net.TlsFiles;
import io.livestream.gateway.GatewayConfig;
import io.livestream.ingest.IngestConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Runs every service in one JVM, until the process is stopped. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run every service in one JVM (the default). Every option also reads an environment variable.")
final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Mixin
    RoomOptions rooms;

    @Mixin
    RelayOptions relay;

    @Mixin
    JwtOptions jwt;

    @Mixin
    TlsOptions tls;

    @Mixin
    IngestLimitOptions ingestLimits;

    @Mixin
    GatewayLimitOptions gatewayLimits;

    @Mixin
    TrustedProxyOptions proxies;

    @Mixin
    StudioOptions studio;

    @Mixin
    RecordOptions record;

    @Option(names = "--rtmp-port", defaultValue = "${env:LIVE_RTMP_PORT:-1935}", description = "RTMP ingest port (env LIVE_RTMP_PORT; default ${DEFAULT-VALUE})")
    int rtmpPort;

    @Option(names = "--rtmps-port", defaultValue = "${env:LIVE_RTMPS_PORT:-1936}", description = "RTMPS (RTMP over TLS) port, served with --tls-cert (env LIVE_RTMPS_PORT; default ${DEFAULT-VALUE})")
    int rtmpsPort;

    @Option(names = "--public-host", defaultValue = "${env:LIVE_PUBLIC_HOST:-localhost}", description = "Host name shown in printed URLs (env LIVE_PUBLIC_HOST; default ${DEFAULT-VALUE})")
    String publicHost;

    @Option(names = "--demo", defaultValue = "${env:LIVE_DEMO:-false}", description = "Publish the bundled looping clip as stream 'demo' (env LIVE_DEMO)")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        TlsFiles tlsFiles = tls.load();
        StandaloneSettings settings = new StandaloneSettings(
                ingestLimits.apply(IngestConfig.defaults().withHost(server.host).withRtmpPort(rtmpPort))
                        .withRtmps(rtmpsPort, tlsFiles),
                relay.config(),
                GatewayConfig.defaults().withHost(server.host).withHttpPort(server.httpPort)
                        .withStudio(studio.studio(true, rtmpPort, 0)).withTls(tlsFiles)
                        .withLimits(gatewayLimits.limits()).withTrustedProxies(proxies.proxies()),
                rooms.rules(),
                jwt.keys(null), publicHost, demo, record.store());
        Standalone.Running running = Standalone.start(settings).await();
        printWelcome(running, settings.jwt().secret() == null);
        ProcessRuntime.runUntilShutdown(running::close);
        return 0;
    }

    private void printWelcome(Standalone.Running running, boolean generatedSecret) {
        String http = (running.rtmpsPort() > 0 ? "https://" : "http://") + publicHost + ":" + running.httpPort();
        String rtmp = "rtmp://" + publicHost + ":" + running.rtmpPort() + "/live";
        StringBuilder out = new StringBuilder("\n  livestream is running (standalone)\n");
        if (generatedSecret) {
            String token = running.mint("publish", "obs", Duration.ofDays(1));
            out.append("  No LIVE_JWT_SECRET was set: a secret was generated for this run.\n")
               .append("  Go live from OBS (Settings > Stream > Custom):\n")
               .append("    Server:     ").append(rtmp).append('\n')
               .append("    Stream Key: obs?token=").append(token).append('\n')
               .append("  Watch:        ").append(http).append("/live/obs.flv  (HTTP-FLV; ")
               .append(running.rtmpsPort() > 0 ? "wss://" : "ws://").append(" for WebSocket-FLV)\n");
        } else {
            out.append("  Mint a publish token: java -jar launcher/target/livestream.jar token publish --stream NAME\n")
               .append("  Publish to:   ").append(rtmp).append("/NAME?token=TOKEN\n");
        }
        if (running.rtmpsPort() > 0) {
            out.append("  RTMPS:        rtmps://").append(publicHost).append(':').append(running.rtmpsPort()).append("/live (TLS)\n");
        }
        if (demo) {
            out.append("  Demo stream:  ").append(http).append("/watch/demo  (or ffplay ").append(http).append("/live/demo.flv)\n");
        }
        out.append("  Go live:      ").append(http).append("/studio  (publish credentials, from this machine)\n");
        out.append("  Streams:      ").append(http).append("/api/streams\n");
        if (Logs.jsonLines()) {
            // standard output is shipped with the log: one JSON line there too
            System.getLogger(StandaloneCommand.class.getName()).log(System.Logger.Level.INFO, out.toString().strip());
        } else {
            System.out.println(out);
        }
    }
}
