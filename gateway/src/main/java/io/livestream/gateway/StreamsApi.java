package io.livestream.gateway;

import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamInfo;
import io.livestream.common.registry.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** {@code GET /api/streams}: the live streams of the platform, with viewers summed over relays. */
final class StreamsApi {
    private final StreamRegistry streams;
    private final RelayRegistry relays;

    StreamsApi(StreamRegistry streams, RelayRegistry relays) {
        this.streams = streams;
        this.relays = relays;
    }

    Future<JsonObject> list() {
        return Future.all(streams.list(), relays.viewersByStream()).map(all -> {
            List<StreamInfo> live = all.resultAt(0);
            Map<String, Integer> viewers = all.resultAt(1);
            long now = System.currentTimeMillis();
            JsonArray out = new JsonArray();
            live.forEach(s -> out.add(describe(s, viewers.getOrDefault(s.name(), 0), now)));
            return new JsonObject().put("streams", out);
        });
    }

    static JsonObject describe(StreamInfo s, int viewers, long now) {
        return new JsonObject()
                .put("name", s.name())
                .put("video", new JsonObject()
                        .put("codec", s.video().codec())
                        .put("profile", s.video().profile())
                        .put("width", s.video().width())
                        .put("height", s.video().height())
                        .put("fps", s.video().fps()))
                .put("audio", new JsonObject()
                        .put("codec", s.audio().codec())
                        .put("sampleRate", s.audio().sampleRate())
                        .put("channels", s.audio().channels()))
                .put("bitrateKbps", s.bitrateBps() / 1000)
                .put("private", s.privateStream())
                .put("viewers", viewers)
                .put("startedAt", s.startedAt())
                .put("uptimeSeconds", Math.max(0, (now - s.startedAt()) / 1000));
    }
}
