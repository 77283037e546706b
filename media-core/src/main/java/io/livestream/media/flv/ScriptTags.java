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
 * {@code onMetaData}, and {@code onClock}, which ingest puts after every keyframe:
 * {@code {serverTime: epoch ms when ingest received the keyframe, streamTs}}. A player measures
 * how far behind live it is from it, a benchmark what delay the servers add.
 */
public final class ScriptTags {
    public static final String ON_METADATA = "onMetaData";
    public static final String ON_CLOCK = "onClock";

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
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("serverTime", (double) serverTimeMillis);
        values.put("streamTs", (double) streamTs);
        return MediaPacket.script(streamTs, Amf0.encodeAll(ON_CLOCK, new Amf0.EcmaArray(values)));
    }

    /** The server time an {@code onClock} tag carries; empty for any other tag or a malformed one. */
    public static OptionalLong serverTime(MediaPacket p) {
        if (!isNamed(p, ON_CLOCK)) {
            return OptionalLong.empty();
        }
        try {
            List<Object> values = Amf0.decodeAll(Unpooled.wrappedBuffer(p.payload()));
            return values.size() > 1 && Amf0.property(values.get(1), "serverTime") instanceof Number n
                    ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
        } catch (RuntimeException malformed) {
            return OptionalLong.empty();
        }
    }
}
