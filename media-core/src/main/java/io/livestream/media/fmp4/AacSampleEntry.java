package io.livestream.media.fmp4;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.AacConfig;

import java.util.Arrays;

/**
 * {@code mp4a} (ISO/IEC 14496-14 5.6) with its {@code esds}: an ES_Descriptor whose
 * DecoderSpecificInfo is the AudioSpecificConfig, the FLV AAC sequence header's body from byte 2 on.
 */
public record AacSampleEntry(AacConfig config, byte[] audioSpecificConfig) implements SampleEntry {
    private static final int FLV_AAC_HEADER = 2;
    /** ISO/IEC 14496-1 7.2.2.1 class tags. */
    private static final int ES_DESCR_TAG = 3;
    private static final int DECODER_CONFIG_DESCR_TAG = 4;
    private static final int DEC_SPECIFIC_INFO_TAG = 5;
    private static final int SL_CONFIG_DESCR_TAG = 6;
    /** objectTypeIndication 0x40: Audio ISO/IEC 14496-3; streamType 5 (audio) << 2 | reserved bit 1. */
    private static final int OBJECT_TYPE_AAC = 0x40;
    private static final int STREAM_TYPE_AUDIO = 0x15;

    /** From an FLV AAC sequence header (AACPacketType 0). */
    public static AacSampleEntry of(MediaPacket sequenceHeader) {
        byte[] payload = sequenceHeader.payload();
        AacConfig config = AacConfig.parse(payload);
        return new AacSampleEntry(config, Arrays.copyOfRange(payload, FLV_AAC_HEADER, payload.length));
    }

    @Override
    public boolean isVideo() {
        return false;
    }

    /** The sampling rate: an AAC frame of 1024 samples is 1024 ticks. */
    @Override
    public int timescale() {
        return config.sampleRate();
    }

    @Override
    public int width() {
        return 0;
    }

    @Override
    public int height() {
        return 0;
    }

    @Override
    public String codecString() {
        return config.codecString();
    }

    /** An AACPacketType 1 frame: the raw AAC frame after the 2-byte header; every AAC frame is a sync sample. */
    @Override
    public Sample sample(MediaPacket packet, int duration) {
        byte[] b = packet.payload();
        if (packet.kind() != MediaPacket.Kind.AUDIO || b.length < FLV_AAC_HEADER || (b[0] & 0xf0) != 0xa0 || b[1] != 1) {
            throw new IllegalArgumentException("not an AAC frame: " + packet);
        }
        return new Sample(duration, 0, true, b, FLV_AAC_HEADER, b.length - FLV_AAC_HEADER);
    }

    @Override
    public void write(BoxWriter out) {
        int entry = out.open("mp4a");
        SampleEntry.writeHeader(out);
        out.zeros(8); // AudioSampleEntry reserved (12.2.3.2)
        out.u16(config.channels() == 0 ? 2 : config.channels()).u16(16); // channelcount (0: in a PCE), samplesize
        out.u16(0).u16(0); // pre_defined, reserved
        out.u32(config.sampleRate() < 0x10000 ? (long) config.sampleRate() << 16 : 0); // 16.16 fixed point
        writeEsds(out);
        out.close(entry);
    }

    private void writeEsds(BoxWriter out) {
        int esds = out.openFull("esds", 0, 0);
        int dsiSize = audioSpecificConfig.length;
        int dcdSize = 13 + descriptorSize(dsiSize);
        int esSize = 3 + descriptorSize(dcdSize) + descriptorSize(1);
        descriptorHeader(out, ES_DESCR_TAG, esSize);
        out.u16(0).u8(0); // ES_ID, no dependence / URL / OCR, priority 0
        descriptorHeader(out, DECODER_CONFIG_DESCR_TAG, dcdSize);
        out.u8(OBJECT_TYPE_AAC).u8(STREAM_TYPE_AUDIO).u24(0).u32(0).u32(0); // bufferSizeDB, maxBitrate, avgBitrate unknown
        descriptorHeader(out, DEC_SPECIFIC_INFO_TAG, dsiSize);
        out.bytes(audioSpecificConfig);
        descriptorHeader(out, SL_CONFIG_DESCR_TAG, 1);
        out.u8(2); // predefined: MP4 files
        out.close(esds);
    }

    /** A descriptor's tag, size field and body (ISO/IEC 14496-1 8.3.3: 7 bits a byte, high bit "more"). */
    private static int descriptorSize(int bodySize) {
        return 1 + sizeFieldLength(bodySize) + bodySize;
    }

    private static int sizeFieldLength(int size) {
        return size < 1 << 7 ? 1 : size < 1 << 14 ? 2 : size < 1 << 21 ? 3 : 4;
    }

    private static void descriptorHeader(BoxWriter out, int tag, int size) {
        out.u8(tag);
        for (int shift = 7 * (sizeFieldLength(size) - 1); shift > 0; shift -= 7) {
            out.u8(0x80 | (size >>> shift) & 0x7F);
        }
        out.u8(size & 0x7F);
    }
}
