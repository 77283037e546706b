package io.livestream.media.codec;

import java.util.Locale;

/**
 * The VPCodecConfigurationRecord ("VP Codec ISO Media File Format Binding" 2.2) of a {@code vp09}
 * or {@code vp08} sequence start. FFmpeg writes it with the {@code vpcC} box's version and flags
 * in front (version 1, flags 0); both forms are read. The record names no picture size.
 */
public record VpCodecConfig(int profile, int level, int bitDepth, int chromaSubsampling, boolean fullRange,
                            int colourPrimaries, int transferCharacteristics, int matrixCoefficients) {

    private static final int RECORD_SIZE = 8;

    /** Parses the record at {@code recordOffset} of an FLV video tag body. */
    public static VpCodecConfig parse(byte[] body, int recordOffset) {
        int at = recordOffset;
        if (at < 0 || body.length < at + RECORD_SIZE) {
            throw new CodecConfigException("VP codec record shorter than " + RECORD_SIZE + " bytes");
        }
        if (body[at] == 1 && body[at + 1] == 0 && body[at + 2] == 0 && body[at + 3] == 0 && body.length >= at + 4 + RECORD_SIZE) {
            at += 4; // the full box's version 1 and flags
        }
        int depthAndChroma = body[at + 2] & 0xff;
        int bitDepth = depthAndChroma >> 4;
        if (bitDepth != 8 && bitDepth != 10 && bitDepth != 12) {
            throw new CodecConfigException("bad VP bit depth " + bitDepth);
        }
        return new VpCodecConfig(body[at] & 0xff, body[at + 1] & 0xff, bitDepth, (depthAndChroma >> 1) & 0x07,
                (depthAndChroma & 1) != 0, body[at + 3] & 0xff, body[at + 4] & 0xff, body[at + 5] & 0xff);
    }

    /** The binding's codec string, e.g. {@code vp09.00.10.08}. */
    public String codecString(String fourCc) {
        return String.format(Locale.ROOT, "%s.%02d.%02d.%02d", fourCc, profile, level, bitDepth);
    }

    public String profileName() {
        return "Profile " + profile;
    }
}
