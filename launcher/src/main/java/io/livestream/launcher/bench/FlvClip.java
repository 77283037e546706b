package io.livestream.launcher.bench;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.AacConfig;
import io.livestream.media.codec.AvcDecoderConfig;
import io.livestream.media.flv.FlvReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recorded H.264 (and AAC) FLV file made ready to publish in real time, pass after pass on one
 * timeline: its metadata and sequence headers, its media tags from timestamp 0, and how long one
 * pass lasts.
 *
 * @param metadata the {@code onMetaData} tag, or null
 * @param audio    the AAC configuration, or null for a clip without AAC
 * @param passMs   from the first media tag to one frame past the last of the track that ends later:
 *                 the next pass starts there, so frame spacing holds across the seam
 */
record FlvClip(String name, MediaPacket metadata, List<MediaPacket> sequenceHeaders, List<MediaPacket> media,
               AvcDecoderConfig video, AacConfig audio, int passMs) {
    private static final String DEMO_RESOURCE = "/demo/demo.flv";
    private static final int MAX_TAG = 16 * 1024 * 1024;

    static FlvClip read(Path file) throws IOException {
        return of(file.toString(), Files.readAllBytes(file));
    }

    /** The 640x360 clip the jar carries for the demo stream. */
    static FlvClip demo() throws IOException {
        try (InputStream in = FlvClip.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IOException("the jar has no " + DEMO_RESOURCE);
            }
            return of("demo clip", in.readAllBytes());
        }
    }

    /** Throws IllegalArgumentException for a file without H.264 or without media, FlvFormatException for one that is not FLV. */
    static FlvClip of(String name, byte[] flv) {
        MediaPacket metadata = null;
        List<MediaPacket> headers = new ArrayList<>();
        List<MediaPacket> media = new ArrayList<>();
        AvcDecoderConfig video = null;
        AacConfig audio = null;
        for (MediaPacket p : FlvReader.readAll(flv, MAX_TAG)) {
            if (p.isMetadata()) {
                metadata = metadata == null ? p : metadata;
            } else if (p.isVideoSequenceHeader() && (p.payload()[0] & 0x0f) == 7) {
                video = video == null ? AvcDecoderConfig.parse(p.payload()) : video;
                headers.add(p);
            } else if (p.isAudioSequenceHeader()) {
                audio = audio == null ? AacConfig.parse(p.payload()) : audio;
                headers.add(p);
            } else if (p.kind() != MediaPacket.Kind.SCRIPT && !p.isEndOfSequence()) { // a pass ends without a decoder flush
                media.add(p);
            }
        }
        if (video == null) {
            throw new IllegalArgumentException(name + ": no H.264 sequence header (the send times travel in H.264 SEI)");
        }
        if (media.isEmpty()) {
            throw new IllegalArgumentException(name + ": no media tags");
        }
        int first = media.stream().mapToInt(MediaPacket::timestamp).min().orElseThrow();
        media.replaceAll(p -> p.withTimestamp(p.timestamp() - first));
        return new FlvClip(name, metadata, List.copyOf(headers), List.copyOf(media), video, audio, passMs(media));
    }

    private static int passMs(List<MediaPacket> media) {
        int end = 0;
        for (MediaPacket.Kind kind : List.of(MediaPacket.Kind.VIDEO, MediaPacket.Kind.AUDIO)) {
            int[] ts = media.stream().filter(p -> p.kind() == kind).mapToInt(MediaPacket::timestamp).toArray();
            if (ts.length > 0) {
                int last = ts[ts.length - 1];
                int frame = ts.length > 1 ? Math.max(1, Math.round((last - ts[0]) / (float) (ts.length - 1))) : 1;
                end = Math.max(end, last + frame);
            }
        }
        return end;
    }

    String describe() {
        String v = String.format(Locale.ROOT, "%dx%d%s H.264 %s", video.width(), video.height(),
                video.frameRate() > 0 ? String.format(Locale.ROOT, " %.0f fps", video.frameRate()) : "", video.profileName());
        String a = audio == null ? "no AAC" : String.format(Locale.ROOT, "%s %d Hz", audio.objectTypeName(), audio.sampleRate());
        return String.format(Locale.ROOT, "%s (%s, %s, %.1f s)", name, v, a, passMs / 1000.0);
    }
}
