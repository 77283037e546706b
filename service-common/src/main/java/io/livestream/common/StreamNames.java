package io.livestream.common;

import java.util.regex.Pattern;

/**
 * What a stream name may be: 1-64 letters, digits, {@code -} or {@code _}. One rule for the RTMP
 * publish, the play, room and page routes, and the studio, so that a name one accepts the others do too.
 */
public final class StreamNames {
    /** The rule as a regular expression, for routes that capture the name. */
    public static final String REGEX = "[A-Za-z0-9_\\-]{1,64}";
    /** {@code /live/<stream>.flv}, the play path of the gateway and the relays; the name is regex group {@code param0}. */
    public static final String PLAY_PATH = "/live/(" + REGEX + ")\\.flv";
    /**
     * LL-HLS: {@code /live/<stream>.m3u8} and {@code /live/<stream>/<session>/<file>} (init section,
     * segment, part); the name is group {@code param0}, the rest ({@code .m3u8} or {@code /<session>/<file>}) {@code param1}.
     */
    public static final String HLS_PATH = "/live/(" + REGEX + ")(\\.m3u8|/[0-9a-z]{1,13}/(?:init|seg|part)-[0-9]{1,18}\\.(?:mp4|m4s))";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private StreamNames() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}
