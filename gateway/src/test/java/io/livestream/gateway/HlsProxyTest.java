package io.livestream.gateway;

import io.livestream.common.registry.RelayRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's LL-HLS proxy against a stand-in relay on loopback and one that cannot be reached, both in a
 * real (local) relay registry: the request goes on as it came and the answer comes back as it was; the
 * unreachable relay, though preferred, is left out and the request tried on the other; a player that hangs up
 * while its request is held releases it at the relay.
 */
@ExtendWith(VertxExtension.class)
class HlsProxyTest {
    private static final String DEAD = "relay-dead";
    private static final String LIVE = "relay-live";

    /** A stream name whose rendezvous choice is the relay that cannot be reached. */
    private static String streamPreferring(String relay, String other) {
        for (int i = 0; ; i++) {
            String name = "s" + i;
            if (RelayDirectory.score(name, relay) > RelayDirectory.score(name, other)) {
                return name;
            }
        }
    }

    /** The stand-in relay on a free port, the registry naming it and a dead one, and the gateway's server passing requests through the proxy. */
    private static Future<Integer> gateway(Vertx vertx, Consumer<HttpServerRequest> relay) {
        return vertx.createHttpServer().requestHandler(relay::accept).listen(0, "127.0.0.1").compose(relayServer ->
                RelayRegistry.open(vertx).compose(registry -> registry.renew(DEAD, entry("http://127.0.0.1:1"), Duration.ofSeconds(30))
                        .compose(v -> registry.renew(LIVE, entry("http://127.0.0.1:" + relayServer.actualPort()), Duration.ofSeconds(30)))
                        .compose(v -> {
                            RelayDirectory directory = new RelayDirectory(vertx, registry, 1000, 1000, System::nanoTime);
                            return directory.refresh().map(directory);
                        }))
                        .compose(directory -> {
                            HlsProxy proxy = new HlsProxy(vertx, directory, HlsProxy.Limits.DEFAULT);
                            HttpServer front = vertx.createHttpServer().requestHandler(request -> {
                                String path = request.path(); // /live/<stream>.m3u8
                                String stream = path.substring("/live/".length(), path.indexOf('.'));
                                proxy.play(stream, ".m3u8", request, s -> Optional.empty());
                            });
                            return front.listen(0, "127.0.0.1").map(HttpServer::actualPort);
                        }));
    }

    private static JsonObject entry(String url) {
        return new JsonObject().put("url", url).put("totalViewers", 0).put("egressBps", 0L).put("viewers", new JsonObject());
    }

    @Test
    void theRequestGoesOnAsItCameToAReachableRelayAndTheAnswerComesBackAsItWas(Vertx vertx, VertxTestContext ctx) {
        String stream = streamPreferring(DEAD, LIVE);
        AtomicReference<String> seen = new AtomicReference<>();
        String query = "token=a.b-c&_HLS_msn=3&_HLS_part=1";
        gateway(vertx, request -> {
            seen.set(request.uri());
            request.response().setStatusCode(200).putHeader("Content-Type", "application/vnd.apple.mpegurl")
                    .putHeader("Cache-Control", "public, max-age=6").putHeader("Access-Control-Allow-Origin", "*")
                    .end("#EXTM3U\n");
        }).compose(port -> vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", "/live/" + stream + ".m3u8?" + query)
                .compose(r -> r.send()).compose(answer -> answer.body().map(body -> new Object[]{answer, body})))
                .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
                    HttpClientResponse answer = (HttpClientResponse) got[0];
                    assertThat(seen.get()).as("what the relay was asked").isEqualTo("/live/" + stream + ".m3u8?" + query);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
                    assertThat(answer.getHeader("Cache-Control")).isEqualTo("public, max-age=6");
                    assertThat(answer.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
                    assertThat(answer.getHeader("Content-Length")).isEqualTo("8");
                    assertThat(((Buffer) got[1]).toString()).isEqualTo("#EXTM3U\n");
                    ctx.completeNow();
                })));
    }

    @Test
    void aPlayerThatHangsUpWhileItsRequestIsHeldReleasesItAtTheRelay(Vertx vertx, VertxTestContext ctx) {
        String stream = streamPreferring(LIVE, DEAD);
        Checkpoint held = ctx.checkpoint();
        Checkpoint released = ctx.checkpoint();
        AtomicReference<NetSocket> player = new AtomicReference<>();
        long[] hungUpAt = new long[1];
        gateway(vertx, request -> {
            // a blocking reload: held, never answered here. Released at once, not when the proxy's idle timeout (10 s) ends it
            request.response().closeHandler(v -> ctx.verify(() -> {
                assertThat((System.nanoTime() - hungUpAt[0]) / 1_000_000).as("ms from the hang-up to the release").isLessThan(2000);
                released.flag();
            }));
            held.flag();
            hungUpAt[0] = System.nanoTime();
            player.get().close(); // the player hangs up while the relay holds its request
        }).compose(port -> vertx.createNetClient().connect(port, "127.0.0.1")).onComplete(ctx.succeeding(socket -> {
            player.set(socket);
            socket.write("GET /live/" + stream + ".m3u8?_HLS_msn=9&_HLS_part=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }));
    }
}
