package io.livestream.common;

import io.livestream.common.registry.StreamInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A registry entry survives its trips: to JSON and back, and through the bytes the cluster map holds. */
class StreamInfoTest {
    private static final StreamInfo LIVE = new StreamInfo("alpha", "ingest-1", 7, 1_700_000_000_000L,
            new StreamInfo.Video("h264", "High", 1280, 720, 30.0, "avc1.64001F"), new StreamInfo.Audio("aac", 44100, 2, "mp4a.40.2"),
            2_500_000, true, "2001:db8::5");

    @Test
    void publisherAddressSurvivesTheJsonRoundTrip() {
        assertThat(LIVE.toJson().getString("publisherAddress")).isEqualTo("2001:db8::5");
        assertThat(StreamInfo.fromJson(LIVE.toJson())).isEqualTo(LIVE);
    }

    @Test
    void entrySurvivesTheClusterMapsSerialization() {
        // Hazelcast holds a JsonObject value as the bytes of its ClusterSerializable form
        Buffer bytes = Buffer.buffer();
        LIVE.toJson().writeToBuffer(bytes);
        JsonObject read = new JsonObject();
        read.readFromBuffer(0, bytes);
        assertThat(StreamInfo.fromJson(read)).isEqualTo(LIVE);
    }

    @Test
    void entryWrittenWithoutAnAddressReadsAsEmpty() {
        // an ingest node of an older version renewing its lease during a rolling upgrade
        JsonObject older = LIVE.toJson();
        older.remove("publisherAddress");
        assertThat(StreamInfo.fromJson(older).publisherAddress()).isEmpty();
    }
}
