package io.livestream.media.codec;

import io.livestream.media.flv.AudioTagHeader;
import io.livestream.media.flv.FlvFormatException;

/**
 * What an audio sequence start says about a stream: the codec's short name ({@code aac},
 * {@code opus}, {@code flac}, {@code ac-3}, {@code ec-3}, {@code mp3}), its RFC 6381 codec string,
 * sample rate and channels (0 where the configuration does not say or is not read).
 */
public record AudioFormat(String codec, String codecString, int sampleRate, int channels) {
    private static final byte[] OPUS_HEAD = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};

    /** Reads a sequence start tag body, legacy AAC or Enhanced RTMP. */
    public static AudioFormat of(byte[] sequenceStart) {
        AudioTagHeader h;
        try {
            h = AudioTagHeader.parse(sequenceStart);
        } catch (FlvFormatException e) {
            throw new CodecConfigException(e.getMessage());
        }
        if (!h.isSequenceStart()) {
            throw new CodecConfigException("not an audio sequence start");
        }
        int at = h.dataOffset();
        return switch (h.codec()) {
            case AAC -> {
                AacConfig c = AacConfig.parse(sequenceStart, at);
                yield new AudioFormat(h.codec().label, c.codecString(), c.sampleRate(), c.channels());
            }
            case OPUS -> opus(sequenceStart, at);
            case FLAC -> new AudioFormat(h.codec().label, "flac", 0, 0);
            case AC3, EAC3 -> new AudioFormat(h.codec().label, h.codec().fourCc, 0, 0);
            case MP3 -> new AudioFormat(h.codec().label, "mp3", 0, 0);
            case LEGACY_OTHER, UNKNOWN -> throw new CodecConfigException("no audio configuration for FourCC '" + h.fourCc() + "'");
        };
    }

    /** RFC 7845 5.1 identification header: channel count at 9, input sample rate (little-endian) at 12. */
    private static AudioFormat opus(byte[] b, int at) {
        if (b.length < at + 19 || !java.util.Arrays.equals(b, at, at + 8, OPUS_HEAD, 0, 8)) {
            throw new CodecConfigException("Opus sequence start without an OpusHead");
        }
        int channels = b[at + 9] & 0xff;
        long rate = (b[at + 12] & 0xff) | (b[at + 13] & 0xff) << 8 | (b[at + 14] & 0xff) << 16 | (long) (b[at + 15] & 0xff) << 24;
        return new AudioFormat("opus", "opus", (int) Math.min(rate, Integer.MAX_VALUE), channels);
    }
}
