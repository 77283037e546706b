package io.livestream.media.hls;

import io.livestream.media.MediaPacket;
import io.livestream.media.fmp4.BoxTree;
import io.livestream.media.fmp4.Fmp4Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Synthetic streams for the segmenter: the clip's real sequence headers, frames of a few bytes at exact rates. */
final class TestStream {
    static final MediaPacket VIDEO_HEADER;
    static final MediaPacket AUDIO_HEADER;

    static {
        try {
            List<MediaPacket> clip = Fmp4Test.clip();
            VIDEO_HEADER = clip.stream().filter(MediaPacket::isVideoSequenceHeader).findFirst().orElseThrow();
            AUDIO_HEADER = clip.stream().filter(MediaPacket::isAudioSequenceHeader).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestStream() {
    }

    static MediaPacket videoFrame(int timestamp, boolean key) {
        return MediaPacket.video(timestamp, new byte[] {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 0, 0, 0, 1, (byte) (key ? 0x65 : 0x41)});
    }

    static MediaPacket audioFrame(int timestamp) {
        return MediaPacket.audio(timestamp, new byte[] {(byte) 0xaf, 1, 0x21, 0x10});
    }

    /** Headers, then video at {@code fps} with a keyframe every {@code gop} frames and AAC (44.1 kHz) from {@code fromMillis}, in timestamp order. */
    static List<MediaPacket> av(double fps, int gop, int fromMillis, double seconds, boolean headers) {
        List<MediaPacket> frames = new ArrayList<>();
        for (int i = 0; i < seconds * fps; i++) {
            frames.add(videoFrame(fromMillis + (int) Math.round(i * 1000 / fps), i % gop == 0));
        }
        for (int j = 0; j < seconds * 44_100 / 1024; j++) {
            frames.add(audioFrame(fromMillis + (int) Math.round(j * 1024 * 1000.0 / 44_100)));
        }
        frames.sort(Comparator.comparingInt(MediaPacket::timestamp)); // stable: video before audio at the same time
        List<MediaPacket> out = new ArrayList<>();
        if (headers) {
            out.add(VIDEO_HEADER);
            out.add(AUDIO_HEADER);
        }
        out.addAll(frames);
        return out;
    }

    /** Whether a part's first video sample is a sync sample, read from its first trun (8.8.8: flags after count, offset, duration, size). */
    static boolean startsOnSyncSample(byte[] part) {
        byte[] trun = BoxTree.find(part, "moof/traf/trun").body(part);
        return ByteBuffer.wrap(trun, 20, 4).getInt() == 0x02000000;
    }

    /** The sample count of a part's first trun, the primary track's (8.8.8: after version and flags). */
    static int primarySamples(byte[] part) {
        byte[] trun = BoxTree.find(part, "moof/traf/trun").body(part);
        return ByteBuffer.wrap(trun, 4, 4).getInt();
    }
}
