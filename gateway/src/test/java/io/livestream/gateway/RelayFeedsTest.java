package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.livestream.media.flv.FlvReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's feeds against a relay that speaks the relay's side of the feed protocol
 * (WebSocket-FLV for a gateway token, viewer counts back as text): one feed per stream for all
 * its viewers here, a relay's named close passed on, a lost relay, and a stalled viewer that
 * holds up nobody.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RelayFeedsTest {
    private static final String STREAM = "feeds";
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** The relay's side: accepts feeds, remembers them and what they tell, starts each on a keyframe. */
    private static final class Relay {
        final HttpServer server;
        final List<ServerWebSocket> feeds = new CopyOnWriteArrayList<>();

        Relay(Vertx vertx, Consumer<JsonObject> told) {
            server = vertx.createHttpServer().webSocketHandler(ws -> {
                feeds.add(ws);
                ws.textMessageHandler(text -> told.accept(new JsonObject(text)));
                ws.writeBinaryMessage(Buffer.buffer(Flv.header(true, true)));
                ws.writeBinaryMessage(Buffer.buffer(Flv.encodeTag(MediaPacket.video(0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f}))));
                ws.writeBinaryMessage(Buffer.buffer(Flv.encodeTag(frame(0, true, 16))));
            });
        }
    }

    private static MediaPacket frame(int timestamp, boolean keyframe, int size) {
        byte[] payload = new byte[size];
        payload[0] = (byte) (keyframe ? 0x17 : 0x27);
        payload[1] = 1;
        return MediaPacket.video(timestamp, payload);
    }

    /**
     * A relay on a free port in a real (local) relay registry, and a gateway HTTP server whose
     * WebSocket viewers play through {@link RelayFeeds}, all on one event loop as in the gateway.
     */
    private Future<Integer> gateway(Vertx vertx, Relay relay, Tokens tokens, FanoutConfig config) {
        Promise<Integer> port = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> relay.server.listen(0, "127.0.0.1")
                .compose(s -> RelayRegistry.open(vertx))
                .compose(registry -> registry.renew("relay-a", new JsonObject().put("url", "http://127.0.0.1:" + relay.server.actualPort())
                        .put("totalViewers", 0).put("egressBps", 0L), Duration.ofSeconds(30)).map(registry))
                .compose(registry -> {
                    RelayDirectory directory = new RelayDirectory(vertx, registry, 100, 1000);
                    return directory.refresh().map(directory);
                })
                .compose(directory -> {
                    RelayFeeds feeds = new RelayFeeds(vertx, directory, config, new FanoutMetrics(meters), tokens);
                    // as the play gate hands them over: upgraded first
                    return vertx.createHttpServer()
                            .requestHandler(request -> request.toWebSocket().onSuccess(ws -> feeds.play(STREAM, ws)))
                            .listen(0, "127.0.0.1");
                })
                .map(HttpServer::actualPort)
                .onComplete(port));
        return port.future();
    }

    /** Held for the test: a client nobody holds is closed with its connections when it is collected. */
    private WebSocketClient viewers;

    @BeforeEach
    void viewersClient(Vertx vertx) {
        viewers = vertx.createWebSocketClient();
    }

    private Future<WebSocket> viewer(Vertx vertx, int port) {
        return viewers.connect(port, "127.0.0.1", "/live/" + STREAM + ".flv");
    }

    @Test
    void viewersOfAStreamShareOneFeedWhichTellsTheRelayHowManyItCarries(Vertx vertx, VertxTestContext ctx) {
        int viewers = 4;
        Tokens tokens = new Tokens(vertx, "relay-feeds-test-secret-0123456789abcdef");
        Checkpoint playing = ctx.checkpoint(viewers);
        Checkpoint told = ctx.checkpoint();
        AtomicBoolean all = new AtomicBoolean();
        Relay[] relay = new Relay[1];
        relay[0] = new Relay(vertx, message -> {
            if (message.getInteger("viewers") == viewers && all.compareAndSet(false, true)) {
                ctx.verify(() -> assertThat(relay[0].feeds).as("connections to the relay for %d viewers", viewers).hasSize(1));
                String token = relay[0].feeds.get(0).query().replaceFirst(".*token=", "");
                tokens.verify(token).onComplete(ctx.succeeding(claims -> ctx.verify(() -> {
                    assertThat(claims.getString("role")).isEqualTo(PlayAccess.GATEWAY_ROLE);
                    told.flag();
                })));
            }
        });
        gateway(vertx, relay[0], tokens, FanoutConfig.defaults()).onComplete(ctx.succeeding(port -> {
            for (int i = 0; i < viewers; i++) {
                viewer(vertx, port).onComplete(ctx.succeeding(ws -> ws.binaryMessageHandler(firstMessage(b -> {
                    ctx.verify(() -> assertThat(b.getString(0, 3)).isEqualTo("FLV"));
                    playing.flag();
                }))));
            }
        }));
    }

    @Test
    void theRelaysNamedCloseReachesTheViewersAndARelayGoneWithoutOneIsRelayLost(Vertx vertx, VertxTestContext ctx) {
        Relay relay = new Relay(vertx, message -> {
        });
        Checkpoint ended = ctx.checkpoint();
        Checkpoint lost = ctx.checkpoint();
        gateway(vertx, relay, new Tokens(vertx, "relay-feeds-test-secret-0123456789abcdef"), FanoutConfig.defaults())
                .onComplete(ctx.succeeding(port -> viewer(vertx, port).onComplete(ctx.succeeding(first -> {
                    first.closeHandler(v -> ctx.verify(() -> {
                        assertThat(first.closeStatusCode()).isEqualTo(CloseReason.STREAM_ENDED.code);
                        ended.flag();
                        // the stream again, on a new feed; then the relay goes away without naming a reason
                        viewer(vertx, port).onComplete(ctx.succeeding(second -> {
                            second.closeHandler(x -> ctx.verify(() -> {
                                assertThat(second.closeStatusCode()).isEqualTo(CloseReason.RELAY_LOST.code);
                                lost.flag();
                            }));
                            second.binaryMessageHandler(firstMessage(b -> relay.server.close()));
                        }));
                    }));
                    first.binaryMessageHandler(firstMessage(b -> relay.feeds.get(0).close(CloseReason.STREAM_ENDED.code, CloseReason.STREAM_ENDED.label)));
                }))));
    }

    /**
     * A viewer whose socket nobody reads fills its queue; the relay goes on sending a tag every 5 ms:
     * the viewer that reads gets every one of them in order, and the stalled one is closed
     * {@code slow-consumer} once it has been full for the stall timeout.
     */
    @Test
    void aStalledViewerIsClosedSlowConsumerWhileTheOtherGetsEveryTagInOrder(Vertx vertx, VertxTestContext ctx) {
        Relay relay = new Relay(vertx, message -> {
        });
        FanoutConfig config = FanoutConfig.defaults().withViewerQueueBytes(64 * 1024).withStallTimeout(Duration.ofSeconds(1));
        int tagBytes = 16 * 1024;
        int[] sent = {0};
        int[] expected = {0};
        Checkpoint stalledClosed = ctx.checkpoint();
        Checkpoint allReceived = ctx.checkpoint();
        AtomicBoolean stopped = new AtomicBoolean();
        gateway(vertx, relay, new Tokens(vertx, "relay-feeds-test-secret-0123456789abcdef"), config).onComplete(ctx.succeeding(port ->
                stalledViewer(vertx, port).onComplete(ctx.succeeding(stalled -> viewer(vertx, port).onComplete(ctx.succeeding(reader -> {
                    FlvReader flv = new FlvReader(1024 * 1024);
                    ByteBuf unread = Unpooled.buffer();
                    reader.binaryMessageHandler(b -> {
                        unread.writeBytes(b.getBytes());
                        flv.feed(unread, p -> {
                            if (p.timestamp() == 0) {
                                return; // the GOP it started on
                            }
                            ctx.verify(() -> assertThat(p.timestamp()).as("the next tag, none skipped").isEqualTo(expected[0] + 5));
                            expected[0] = p.timestamp();
                            if (stopped.get() && expected[0] == sent[0] * 5) {
                                allReceived.flag();
                            }
                        });
                        unread.discardReadBytes();
                    });
                    vertx.setPeriodic(5, id -> {
                        if (meters.counter("live.viewers.closed", "reason", CloseReason.SLOW_CONSUMER.label).count() == 1) {
                            vertx.cancelTimer(id);
                            stopped.set(true);
                            stalledClosed.flag();
                            if (expected[0] == sent[0] * 5) {
                                allReceived.flag(); // the last tag came before the stop
                            }
                            return;
                        }
                        sent[0]++;
                        relay.feeds.get(0).writeBinaryMessage(Buffer.buffer(Flv.encodeTag(frame(sent[0] * 5, sent[0] % 50 == 0, tagBytes))));
                    });
                }))))));
    }

    private NetClient stalledClient;

    /** A WebSocket viewer that upgrades and then never reads again, with a small receive window. */
    private Future<NetSocket> stalledViewer(Vertx vertx, int port) {
        stalledClient = vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(8192));
        return stalledClient.connect(port, "127.0.0.1").compose(socket -> {
            Promise<NetSocket> upgraded = Promise.promise();
            socket.handler(b -> {
                if (b.toString().startsWith("HTTP/1.1 101")) {
                    socket.pause();
                    upgraded.tryComplete(socket);
                }
            });
            socket.write("GET /live/" + STREAM + ".flv HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            return upgraded.future();
        });
    }

    private static io.vertx.core.Handler<Buffer> firstMessage(Consumer<Buffer> action) {
        AtomicBoolean seen = new AtomicBoolean();
        return b -> {
            if (seen.compareAndSet(false, true)) {
                action.accept(b);
            }
        };
    }
}
