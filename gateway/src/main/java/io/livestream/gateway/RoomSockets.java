package io.livestream.gateway;

import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.room.RoomCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Room WebSockets ({@code /ws/room/<stream>?token=...&lastSeq=...}), bridged to the interaction
 * service: {@link RoomAdmission} decides who may connect and as whom, each socket becomes a
 * {@link RoomMember}, and {@link RoomHubs} feeds every room's members on this gateway. The protocol
 * is docs/room-protocol.md; the messages to and from the interaction service are
 * {@link io.livestream.common.room.RoomMessage}s. Confined to the gateway's event loop.
 */
final class RoomSockets {
    private static final int MEMBER_QUEUE_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final RoomAdmission admission;
    private final RoomHubs hubs;
    private final MeterRegistry meters;

    RoomSockets(Vertx vertx, Tokens tokens, PlayAdmission playAdmission, AddressSlots perAddress, TrustedProxies proxies, MeterRegistry meters) {
        this.vertx = vertx;
        this.admission = new RoomAdmission(playAdmission, tokens, perAddress, proxies);
        this.hubs = new RoomHubs(vertx.eventBus());
        this.meters = meters;
        RoomCodec.register(vertx.eventBus());
    }

    int members() {
        return hubs.members();
    }

    void handle(RoutingContext ctx) {
        String room = ctx.pathParam("param0");
        String token = ctx.request().getParam("token");
        long lastSeq = parseLong(ctx.request().getParam("lastSeq"));
        admission.upgrade(ctx.request(), (ws, address) -> {
            ws.setWriteQueueMaxSize(MEMBER_QUEUE_BYTES);
            RoomMember member = new RoomMember(ws, room, vertx.eventBus(), hubs, System::currentTimeMillis);
            // handlers first: nothing the client sends before its identity is settled is lost
            ws.textMessageHandler(member::onText);
            ws.binaryMessageHandler(b -> member.onBinary());
            ws.exceptionHandler(e -> {
                if (e instanceof CorruptedWebSocketFrameException) { // over the frame limit: Vert.x closes it 1009
                    LimitRefusals.count(meters, LimitRefusals.WEBSOCKET_FRAME_SIZE);
                }
            });
            ws.closeHandler(v -> member.closed());
            admission.identity(room, token).onComplete(ar -> {
                if (ar.failed()) {
                    RoomAdmission.refuse(ws, room, ar.cause());
                } else {
                    member.join(ar.result(), lastSeq, address);
                }
            });
        });
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
