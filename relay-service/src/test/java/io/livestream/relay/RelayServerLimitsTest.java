package io.livestream.relay;

import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay role's own HTTP server bounds what a viewer may send: viewers only read. */
class RelayServerLimitsTest {

    @Test
    void viewersMaySendOnlyControlSizedWebSocketMessages() {
        HttpServerOptions options = RelayVerticle.serverOptions(64 * 1024);
        // Vert.x's defaults would let each viewer make the relay assemble 64 KiB frames into 256 KiB messages
        assertThat(options.getMaxWebSocketFrameSize()).isEqualTo(4096);
        assertThat(options.getMaxWebSocketMessageSize()).isEqualTo(4096);
        assertThat(options.getMaxHeaderSize()).isEqualTo(8192);
        assertThat(options.getMaxInitialLineLength()).isEqualTo(4096);
        assertThat(options.getSendBufferSize()).isEqualTo(64 * 1024);
    }
}
