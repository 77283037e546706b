package io.livestream.media.codec;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * A publisher's wall-clock send time carried inside an H.264 frame, where every server passes it
 * on untouched: one SEI NAL unit (ITU-T H.264 7.3.2.3, nal_unit_type 6) holding one
 * user_data_unregistered message (D.1.7, payloadType 5) of 24 bytes: our UUID
 * {@code 31ef813e-3fe4-498f-8256-da10e01a5904}, then the send time in microseconds since the
 * epoch, 8 bytes big-endian. The NAL unit goes before the frame's first slice (7.4.1.2.3: SEI
 * precedes the first VCL NAL unit of an access unit), length-prefixed as the FLV AVC video tag
 * carries its NAL units (ISO/IEC 14496-15 5.3.4.2, the length size from the decoder
 * configuration record). Decoders skip an unregistered SEI they do not know.
 */
public final class SendTimeSei {
    /** The UUID (ISO/IEC 11578) that marks our message, as its 16 bytes. */
    private static final byte[] UUID = HexFormat.of().parseHex("31ef813e3fe4498f8256da10e01a5904");
    private static final int NAL_SEI = 6;
    private static final int USER_DATA_UNREGISTERED = 5;
    private static final int PAYLOAD_SIZE = UUID.length + Long.BYTES;
    private static final int CODEC_AVC = 7;
    private static final int AVC_NALU = 1;
    /** FLV VideoTagHeader with AVC: frame type/codec, AVCPacketType, CompositionTime (3 bytes). */
    private static final int TAG_HEADER = 5;

    private SendTimeSei() {
    }

    /** The SEI NAL unit alone: its header byte and the escaped RBSP, no length prefix. */
    public static byte[] nalUnit(long epochMicros) {
        byte[] rbsp = new byte[2 + PAYLOAD_SIZE + 1];
        rbsp[0] = USER_DATA_UNREGISTERED;
        rbsp[1] = (byte) PAYLOAD_SIZE;
        System.arraycopy(UUID, 0, rbsp, 2, UUID.length);
        for (int i = 0; i < Long.BYTES; i++) {
            rbsp[2 + UUID.length + i] = (byte) (epochMicros >>> (56 - 8 * i));
        }
        rbsp[rbsp.length - 1] = (byte) 0x80; // rbsp_trailing_bits: stop bit, then alignment zeros
        byte[] escaped = escape(rbsp);
        byte[] nal = new byte[1 + escaped.length];
        nal[0] = NAL_SEI; // forbidden_zero_bit 0, nal_ref_idc 0
        System.arraycopy(escaped, 0, nal, 1, escaped.length);
        return nal;
    }

    /**
     * A copy of an FLV AVC video tag body holding a coded frame (AVCPacketType 1) with the send time
     * inserted before its first slice. Throws {@link CodecConfigException} for any other tag body, or
     * one whose NAL unit lengths overrun it.
     */
    public static byte[] insert(byte[] flvVideoPayload, int nalLengthSize, long epochMicros) {
        byte[] b = flvVideoPayload;
        if (b.length < TAG_HEADER || (b[0] & 0x0f) != CODEC_AVC || b[1] != AVC_NALU) {
            throw new CodecConfigException("not an AVC coded frame");
        }
        if (nalLengthSize < 1 || nalLengthSize > 4) {
            throw new CodecConfigException("NAL unit length size " + nalLengthSize);
        }
        int at = TAG_HEADER;
        while (at < b.length) {
            long length = at + nalLengthSize <= b.length ? nalLength(b, at, nalLengthSize) : -1;
            if (length < 1 || at + nalLengthSize + length > b.length) {
                throw new CodecConfigException("NAL unit at byte " + at + " cut short or overrunning the frame");
            }
            if (isSlice(b[at + nalLengthSize])) {
                break;
            }
            at += nalLengthSize + (int) length;
        }
        byte[] nal = nalUnit(epochMicros);
        byte[] out = new byte[b.length + nalLengthSize + nal.length];
        System.arraycopy(b, 0, out, 0, at);
        for (int i = 0; i < nalLengthSize; i++) {
            out[at + i] = (byte) (nal.length >>> (8 * (nalLengthSize - 1 - i)));
        }
        System.arraycopy(nal, 0, out, at + nalLengthSize, nal.length);
        System.arraycopy(b, at, out, at + nalLengthSize + nal.length, b.length - at);
        return out;
    }

    /**
     * The send time an FLV AVC video tag body carries; empty for a frame without it, any other tag
     * body, or a malformed one. Never throws: it reads what a server, maybe a hostile one, sent.
     */
    public static OptionalLong read(byte[] flvVideoPayload, int nalLengthSize) {
        byte[] b = flvVideoPayload;
        if (b.length < TAG_HEADER || (b[0] & 0x0f) != CODEC_AVC || b[1] != AVC_NALU || nalLengthSize < 1 || nalLengthSize > 4) {
            return OptionalLong.empty();
        }
        int at = TAG_HEADER;
        while (at + nalLengthSize < b.length) {
            long length = nalLength(b, at, nalLengthSize);
            int start = at + nalLengthSize;
            if (length < 1 || start + length > b.length || isSlice(b[start])) {
                return OptionalLong.empty(); // malformed, or past the SEI units of this access unit
            }
            if ((b[start] & 0x1f) == NAL_SEI) {
                OptionalLong time = fromSei(AvcDecoderConfig.unescape(Arrays.copyOfRange(b, start + 1, start + (int) length)));
                if (time.isPresent()) {
                    return time;
                }
            }
            at = start + (int) length;
        }
        return OptionalLong.empty();
    }

    /** 7.3.2.3.1: sei_message()s, each payloadType and payloadSize coded as runs of 0xFF plus a last byte. */
    private static OptionalLong fromSei(byte[] rbsp) {
        int at = 0;
        while (at < rbsp.length && (rbsp[at] & 0xff) != 0x80) {
            int type = 0;
            while (at < rbsp.length && rbsp[at] == (byte) 0xff) {
                type += 255;
                at++;
            }
            int size = 0;
            if (at < rbsp.length) {
                type += rbsp[at++] & 0xff;
            }
            while (at < rbsp.length && rbsp[at] == (byte) 0xff) {
                size += 255;
                at++;
            }
            if (at >= rbsp.length) {
                return OptionalLong.empty();
            }
            size += rbsp[at++] & 0xff;
            if (size > rbsp.length - at) {
                return OptionalLong.empty();
            }
            if (type == USER_DATA_UNREGISTERED && size >= PAYLOAD_SIZE && isOurs(rbsp, at)) {
                long time = 0;
                for (int i = 0; i < Long.BYTES; i++) {
                    time = time << 8 | (rbsp[at + UUID.length + i] & 0xff);
                }
                return OptionalLong.of(time);
            }
            at += size;
        }
        return OptionalLong.empty();
    }

    private static boolean isOurs(byte[] rbsp, int at) {
        for (int i = 0; i < UUID.length; i++) {
            if (rbsp[at + i] != UUID[i]) {
                return false;
            }
        }
        return true;
    }

    /** Coded slices, IDR or not (nal_unit_type 1-5): the VCL units an SEI must precede. */
    private static boolean isSlice(byte nalHeader) {
        int type = nalHeader & 0x1f;
        return type >= 1 && type <= 5;
    }

    private static long nalLength(byte[] b, int at, int size) {
        long length = 0;
        for (int i = 0; i < size; i++) {
            length = length << 8 | (b[at + i] & 0xff);
        }
        return length;
    }

    /** 7.4.1: an emulation_prevention_three_byte after every two zeros followed by a byte of 0-3. */
    private static byte[] escape(byte[] rbsp) {
        byte[] out = new byte[rbsp.length + rbsp.length / 2];
        int n = 0;
        int zeros = 0;
        for (byte v : rbsp) {
            if (zeros == 2 && (v & 0xff) <= 3) {
                out[n++] = 3;
                zeros = 0;
            }
            out[n++] = v;
            zeros = v == 0 ? zeros + 1 : 0;
        }
        return Arrays.copyOf(out, n);
    }
}
