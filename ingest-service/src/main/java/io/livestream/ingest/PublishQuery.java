package io.livestream.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The query a publisher appends where RTMP leaves room for one: to connect's {@code app}
 * ({@code live?token=T&private=1}, for encoders that have one URL field) and to publish's stream
 * key ({@code NAME?token=T&private=1}). The key's token wins over the app's; either may make the
 * stream private.
 */
final class PublishQuery {
    private PublishQuery() {
    }

    /**
     * Connect's application: its name without the query, and the query's token and privacy.
     * An {@code app} property that is missing or not a string reads as the empty name.
     */
    record Connect(String app, String token, boolean privateStream) {
        static final Connect NONE = new Connect("", null, false);

        /** From connect's command object (RTMP spec 7.2.1.1). */
        static Connect of(Object commandObject) {
            String app = commandObject instanceof Map<?, ?> m && m.get("app") instanceof String s ? s : "";
            int query = app.indexOf('?');
            if (query < 0) {
                return new Connect(app, null, false);
            }
            String params = app.substring(query + 1);
            return new Connect(app.substring(0, query), param(params, "token"), "1".equals(param(params, "private")));
        }

        /** True for {@code expected} with or without trailing slashes ({@code live/}, as some encoders send it). */
        boolean isApp(String expected) {
            return expected.equals(app.replaceAll("/+$", ""));
        }
    }

    /** What publish asks for: the stream's name, the token (the key's, else connect's) and whether it is private. */
    record Publish(String stream, String token, boolean privateStream) {
        static Publish of(String key, Connect connect) {
            int query = key.indexOf('?');
            if (query < 0) {
                return new Publish(key, connect.token(), connect.privateStream());
            }
            String params = key.substring(query + 1);
            String token = param(params, "token");
            return new Publish(key.substring(0, query), token != null ? token : connect.token(),
                    connect.privateStream() || "1".equals(param(params, "private")));
        }
    }

    /** The URL-decoded value of {@code key} in {@code query} ({@code a=1&b=2}); null when absent. */
    static String param(String query, String key) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(key)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
