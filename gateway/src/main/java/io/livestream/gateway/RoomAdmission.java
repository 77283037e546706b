package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.room.RoomUser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.BiConsumer;

/**
 * Who may open a room socket: one client address holds a bounded number of them (a refused one is
 * upgraded, then closed {@code too-many-connections}), and the member's identity comes from its
 * token: none is an anonymous reader, except in the room of a private stream, which takes only a
 * play token for it ({@link PlayAdmission}). The slot goes back when the connection closes,
 * however it ends ({@link AddressSlots}). Confined to the gateway's event loop.
 */
final class RoomAdmission {
    private static final System.Logger LOG = System.getLogger(RoomAdmission.class.getName());

    private final PlayAdmission playAdmission;
    private final Tokens tokens;
    private final AddressSlots perAddress;
    private final TrustedProxies proxies;

    RoomAdmission(PlayAdmission playAdmission, Tokens tokens, AddressSlots perAddress, TrustedProxies proxies) {
        this.playAdmission = playAdmission;
        this.tokens = tokens;
        this.perAddress = perAddress;
        this.proxies = proxies;
    }

    /**
     * Upgrades {@code request} and hands the socket, with its client address, to {@code onSocket},
     * unless its address holds too many: that one is closed here. What is handed over is not yet
     * admitted to the room: see {@link #identity}.
     */
    void upgrade(HttpServerRequest request, BiConsumer<ServerWebSocket, String> onSocket) {
        String address = proxies.clientAddress(request);
        ConnectionLimiter.Admission limit = perAddress.admit(request, address);
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) { // the connection may stay open (an HTTP answer): its slot goes now
                if (limit instanceof ConnectionLimiter.Admitted a) {
                    a.slot().release();
                }
                return;
            }
            if (limit instanceof ConnectionLimiter.Refused) {
                upgraded.result().close(CloseReason.TOO_MANY_CONNECTIONS.code, CloseReason.TOO_MANY_CONNECTIONS.label);
                return;
            }
            onSocket.accept(upgraded.result(), address);
        });
    }

    /**
     * The member {@code token} makes in {@code room}: {@link RoomUser#ANONYMOUS} without one, except
     * in a private stream's room. Fails as {@link PlayAdmission} does ({@link PlayAdmission.Refusal#of}
     * gives the close reason: {@code bad-token}, or {@code unavailable} when the registry cannot be read).
     */
    Future<RoomUser> identity(String room, String token) {
        return playAdmission.admit(room, token).compose(claims -> {
            if (claims.isPresent()) {
                return Future.succeededFuture(RoomUser.fromClaims(claims.get()));
            }
            if (token == null || token.isEmpty()) {
                return Future.succeededFuture(RoomUser.ANONYMOUS);
            }
            return tokens.verify(token).map(RoomUser::fromClaims);
        });
    }

    /** Closes a socket whose identity failed with {@code cause}, with the reason {@link PlayAdmission.Refusal#of} gives. */
    static void refuse(ServerWebSocket ws, String room, Throwable cause) {
        PlayAdmission.Refusal refusal = PlayAdmission.Refusal.of(cause);
        if (refusal.close() == CloseReason.UNAVAILABLE) {
            LOG.log(System.Logger.Level.WARNING, "room {0}: stream registry unavailable: {1}", room, cause.getMessage());
        }
        refusal.close(ws);
    }
}
