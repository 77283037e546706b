package io.livestream.gateway;

/**
 * Settings of the gateway.
 *
 * @param host                  interface the HTTP server binds to
 * @param httpPort              HTTP port (8080; 0 picks a free one)
 * @param viewerSendBufferBytes kernel send buffer per connection: small keeps a stalled viewer's
 *                              backlog (and so its delay and memory) small
 */
public record GatewayConfig(String host, int httpPort, int viewerSendBufferBytes) {

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, 256 * 1024);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(host, port, viewerSendBufferBytes);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, httpPort, viewerSendBufferBytes);
    }
}
