package io.livestream.media.fmp4;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.AvcDecoderConfig;

import java.util.Arrays;

/**
 * {@code avc1} with its {@code avcC} (ISO/IEC 14496-15 5.4.2.1): the AVCDecoderConfigurationRecord
 * is the FLV sequence header's body from byte 5 on, written as it came.
 */
public record AvcSampleEntry(AvcDecoderConfig config, byte[] record) implements SampleEntry {
    /** FLV VideoTagHeader: frame/codec byte, AVCPacketType, 24-bit composition time. */
    private static final int FLV_AVC_HEADER = 5;

    /** From an FLV AVC sequence header (AVCPacketType 0). */
    public static AvcSampleEntry of(MediaPacket sequenceHeader) {
        byte[] payload = sequenceHeader.payload();
        AvcDecoderConfig config = AvcDecoderConfig.parse(payload);
        return new AvcSampleEntry(config, Arrays.copyOfRange(payload, FLV_AVC_HEADER, payload.length));
    }

    @Override
    public boolean isVideo() {
        return true;
    }

    /** 90 kHz, as MPEG systems count: an FLV millisecond is 90 ticks exactly. */
    @Override
    public int timescale() {
        return 90_000;
    }

    @Override
    public int width() {
        return config.width();
    }

    @Override
    public int height() {
        return config.height();
    }

    @Override
    public String codecString() {
        return config.codecString();
    }

    /** An AVCPacketType 1 frame: length-prefixed NAL units after the 5-byte header, as {@code avc1} stores them. */
    @Override
    public Sample sample(MediaPacket packet, int duration) {
        byte[] b = packet.payload();
        if (packet.kind() != MediaPacket.Kind.VIDEO || b.length < FLV_AVC_HEADER || (b[0] & 0x0f) != 7 || b[1] != 1) {
            throw new IllegalArgumentException("not an AVC frame: " + packet);
        }
        int compositionMillis = (b[2] << 16 | (b[3] & 0xff) << 8 | (b[4] & 0xff)); // SI24: b[2] carries the sign
        return new Sample(duration, (int) ticks(compositionMillis), packet.isKeyframe(),
                b, FLV_AVC_HEADER, b.length - FLV_AVC_HEADER);
    }

    @Override
    public void write(BoxWriter out) {
        int entry = out.open("avc1");
        SampleEntry.writeVisualFields(out, config.width(), config.height());
        int avcC = out.open("avcC");
        out.bytes(record);
        out.close(avcC);
        out.close(entry);
    }
}
