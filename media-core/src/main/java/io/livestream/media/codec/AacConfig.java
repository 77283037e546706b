package io.livestream.media.codec;

/**
 * AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) from the body of an FLV AAC sequence
 * header tag (byte 0 SoundFormat 10, byte 1 AACPacketType 0, then the config).
 */
public record AacConfig(int objectType, int sampleRate, int channels) {
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

    public static AacConfig parse(byte[] flvAudioPayload) {
        if (flvAudioPayload.length < 4 || ((flvAudioPayload[0] & 0xf0) >> 4) != 10 || flvAudioPayload[1] != 0) {
            throw new CodecConfigException("not an AAC sequence header");
        }
        return parse(flvAudioPayload, 2);
    }

    /** Parses the AudioSpecificConfig at {@code offset} of a tag body (2 in a legacy one, 5 in an Enhanced RTMP {@code mp4a} SequenceStart). */
    public static AacConfig parse(byte[] body, int offset) {
        if (offset < 0 || body.length < offset + 2) {
            throw new CodecConfigException("AudioSpecificConfig shorter than 2 bytes");
        }
        BitReader r = new BitReader(body, offset, body.length - offset);
        int objectType = r.bits(5);
        if (objectType == 31) {
            objectType = 32 + r.bits(6);
        }
        int index = r.bits(4);
        int rate;
        if (index == 15) {
            rate = r.bits(24);
        } else if (index < RATES.length) {
            rate = RATES[index];
        } else {
            throw new CodecConfigException("reserved sampling frequency index " + index);
        }
        int channels = r.bits(4);
        return new AacConfig(objectType, rate, channels);
    }

    /** RFC 6381 codec string, e.g. {@code mp4a.40.2}. */
    public String codecString() {
        return "mp4a.40." + objectType;
    }

    public String objectTypeName() {
        return switch (objectType) {
            case 1 -> "AAC Main";
            case 2 -> "AAC-LC";
            case 3 -> "AAC SSR";
            case 4 -> "AAC LTP";
            case 5 -> "HE-AAC";
            case 29 -> "HE-AACv2";
            default -> "AAC (object type " + objectType + ")";
        };
    }
}
