package io.livestream.fanout;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.lang.reflect.Field;

/**
 * The Netty handler context under a Vert.x {@link ServerWebSocket}. Vert.x 5 exposes it on its
 * own sockets ({@link WebSocketInternal#channelHandlerContext()}); a socket upgraded from a
 * vertx-web route is wrapped ({@code io.vertx.ext.web.impl.ServerWebSocketWrapper}), which keeps
 * the real one in a private field and offers no way to it. Null when neither applies: callers
 * then write through Vert.x.
 */
final class NettyChannels {
    private static final System.Logger LOG = System.getLogger(NettyChannels.class.getName());
    private static final String WEB_WRAPPER = "io.vertx.ext.web.impl.ServerWebSocketWrapper";
    private static final Field WRAPPED = wrappedField();

    private NettyChannels() {
    }

    static ChannelHandlerContext of(ServerWebSocket ws) {
        for (int depth = 0; depth < 4 && ws != null; depth++) {
            if (ws instanceof WebSocketInternal internal) {
                return internal.channelHandlerContext();
            }
            ws = unwrap(ws);
        }
        return null;
    }

    private static ServerWebSocket unwrap(ServerWebSocket ws) {
        if (WRAPPED == null || !WRAPPED.getDeclaringClass().isInstance(ws)) {
            return null;
        }
        try {
            return (ServerWebSocket) WRAPPED.get(ws);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Field wrappedField() {
        try {
            Field f = Class.forName(WEB_WRAPPER).getDeclaredField("delegate");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket viewers written through Vert.x (slower): {0}", e.toString());
            return null;
        }
    }
}
