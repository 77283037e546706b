package io.livestream.launcher.harness;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An HTTP-FLV player (as ffplay or VLC): holds the response open and reads its bytes as they come. */
public final class HttpFlvViewer implements AutoCloseable {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpResponse<InputStream> response;

    private HttpFlvViewer(int port, String pathAndQuery) throws IOException, InterruptedException {
        response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Opens {@code http://127.0.0.1:port/live/<stream>.flv[?token=...]}; returns once the status line is in. */
    public static HttpFlvViewer open(int port, String stream, String token) throws IOException, InterruptedException {
        return new HttpFlvViewer(port, "/live/" + stream + ".flv" + (token == null ? "" : "?token=" + token));
    }

    public int status() {
        return response.statusCode();
    }

    /** Reads exactly {@code n} bytes of the body (blocks until they arrive). */
    public byte[] read(int n) throws IOException {
        return response.body().readNBytes(n);
    }

    /** The whole body of a refusal. */
    public String text() throws IOException {
        return new String(response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        response.body().close(); // before the end of the body: the connection is dropped
    }
}
