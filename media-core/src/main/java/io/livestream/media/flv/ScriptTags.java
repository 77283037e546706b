package io.livestream.media.flv;

import io.livestream.media.MediaPacket;
import io.livestream.media.amf.Amf0;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The script tags (FLV spec E.4.4) the platform reads or writes: the publisher's
 * {@code onMetaData}, and the clock that ingest puts after every keyframe: an event cue point
 * {@code onCuePoint {name: "livestream.clock", time, type: "event", parameters: {serverTime}}}
 * where serverTime is the epoch ms at which ingest received the keyframe. A player measures how
 * far behind live it is from it, a benchmark what delay the servers add. A cue point, because
 * demuxers such as FFmpeg's skip those instead of opening a data stream for an unknown tag.
 */
public final class ScriptTags {
    public static final String ON_METADATA = "onMetaData";
    public static final String ON_CUE_POINT = "onCuePoint";
    public static final String CLOCK = "livestream.clock";

    private ScriptTags() {
    }

    /** True when the script tag's first value is the string {@code name}, read without decoding the rest. */
    public static boolean isNamed(MediaPacket p, String name) {
        byte[] b = p.payload();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (p.kind() != MediaPacket.Kind.SCRIPT || b.length < 3 + n.length || b[0] != 0x02
                || ((b[1] & 0xff) << 8 | (b[2] & 0xff)) != n.length) {
            return false;
        }
        for (int i = 0; i < n.length; i++) {
            if (b[3 + i] != n[i]) {
                return false;
            }
        }
        return true;
    }

    public static MediaPacket clock(int streamTs, long serverTimeMillis) {
        Map<String, Object> cue = new LinkedHashMap<>();
        cue.put("name", CLOCK);
        cue.put("time", streamTs / 1000.0);
        cue.put("type", "event");
        cue.put("parameters", Map.of("serverTime", (double) serverTimeMillis));
        return MediaPacket.script(streamTs, Amf0.encodeAll(ON_CUE_POINT, cue));
    }

    /** The server time a clock cue point carries; empty for any other tag or a malformed one. */
    public static OptionalLong serverTime(MediaPacket p) {
        if (!isNamed(p, ON_CUE_POINT)) {
            return OptionalLong.empty();
        }
        try {
            List<Object> values = Amf0.decodeAll(Unpooled.wrappedBuffer(p.payload()));
            if (values.size() < 2 || !CLOCK.equals(Amf0.property(values.get(1), "name"))) {
                return OptionalLong.empty();
            }
            return Amf0.property(Amf0.property(values.get(1), "parameters"), "serverTime") instanceof Number n
                    ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
        } catch (RuntimeException malformed) {
            return OptionalLong.empty();
        }
    }
}
