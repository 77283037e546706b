package io.livestream.media.hls;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.CodecConfigException;
import io.livestream.media.flv.ScriptTags;
import io.livestream.media.fmp4.AacSampleEntry;
import io.livestream.media.fmp4.AvcSampleEntry;
import io.livestream.media.fmp4.Fmp4;
import io.livestream.media.fmp4.SampleEntry;
import io.livestream.media.fmp4.Track;
import io.livestream.media.fmp4.TrackRun;
import io.livestream.media.fmp4.TrackSamples;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Cuts one stream's timeline of packets into LL-HLS segments and parts (RFC 8216bis with the
 * low-latency extensions) of fragmented MP4. The primary track (video, or audio in an audio-only
 * stream) decides the cuts: a segment starts on a keyframe, at the first one at least {@link
 * HlsConfig#minSegment()} after the segment's start; a part ends before it would pass {@link
 * HlsConfig#partTarget()}: when the next frame, as long as the last, would not fit (so the part
 * leaves as its last frame ends), or, should a frame come late, before that frame. Audio goes into
 * the part being cut. Frames before the first keyframe are dropped.
 *
 * <p>Sequence headers that change, and {@link #publisherChanged()}, end the segment: the next one
 * starts on the next keyframe behind {@code EXT-X-DISCONTINUITY} (and a new init section if the
 * headers changed). Program date-times come from the ingest's clock cue points; before the first
 * one, from the injected wall clock. Pure: no I/O, no timers; confined to one thread.
 */
public final class LlHlsSegmenter {
    private final HlsConfig config;
    private final LongSupplier wallClockMillis;
    private final Consumer<Part> onPart;
    private final Deque<Segment> window = new ArrayDeque<>();
    /** Parts cut during the current call, announced at its end, when the segment they close is complete too. */
    private final List<Part> cut = new ArrayList<>(2);
    private MediaPacket videoHeader;
    private MediaPacket audioHeader;
    private InitSection init;
    private int nextInitId;
    private boolean primaryIsVideo;
    private TrackSamples primary;
    private TrackSamples secondary;
    private Segment open;
    private long segmentStartTicks;
    private long partStartTicks;
    private boolean partIndependent;
    private long nextMsn;
    private long nextPartSequence;
    private int fragmentSequence;
    private long discontinuitySequence;
    private boolean discontinuityNext;
    private int targetDuration;
    private long windowBytes;
    private boolean anchored;
    private boolean ended;
    private long dropped;
    private long anchorTimestamp;
    private long anchorWallClock;

    /**
     * {@code onPart} is told of each part once it is cut and the segment it ends, if any, is complete
     * (so that blocking playlist reloads can be answered with the playlist as it now is).
     */
    public LlHlsSegmenter(HlsConfig config, LongSupplier wallClockMillis, Consumer<Part> onPart) {
        this.config = config;
        this.wallClockMillis = wallClockMillis;
        this.onPart = onPart;
    }

    /** The next packet of the stream's timeline (timestamps never go back). */
    public void accept(MediaPacket p) {
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        try {
            take(p);
        } catch (IllegalArgumentException notAFrameOfTheTrack) {
            dropped++; // e.g. a truncated frame, or MP3 after an AAC header: refused before it changed anything
        }
        announce();
    }

    /** Frames refused as not coded frames of their track's codec. */
    public long dropped() {
        return dropped;
    }

    private void take(MediaPacket p) {
        if (p.kind() == MediaPacket.Kind.SCRIPT) {
            OptionalLong serverTime = ScriptTags.serverTime(p);
            if (serverTime.isPresent()) {
                anchor(p.timestamp(), serverTime.getAsLong());
            }
        } else if (p.isVideoSequenceHeader() || p.isAudioSequenceHeader()) {
            header(p);
        } else if (p.isEndOfSequence() || p.size() < 2) {
            return;
        } else if (p.kind() == MediaPacket.Kind.VIDEO ? videoHeader != null : audioHeader != null) {
            frame(p);
        }
    }

    /** Another publishing session goes on on the same timeline: the next segment follows a discontinuity. */
    public void publisherChanged() {
        flush();
        discontinuityNext = !window.isEmpty();
        announce();
    }

    /** The stream has ended: the open segment ends with what it has and the playlist with {@code EXT-X-ENDLIST}. */
    public void end() {
        flush();
        ended = true;
        announce();
    }

    public boolean ended() {
        return ended;
    }

    /** Ends the open segment with what it has. */
    private void flush() {
        if (open != null) {
            if (primary.hasCompleted() && primary.pendingDecodeTime() + primary.lastDuration() - partStartTicks > partTargetTicks()) {
                cutPart(); // the held frame, given the last duration, would not fit
            }
            primary.finish();
            if (secondary != null) {
                secondary.finish();
            }
            cutPart();
            closeSegment();
        }
        primary = null;
        secondary = null;
    }

    /** Whether a playlist can be given: a segment is complete, so the target duration is known. */
    public boolean ready() {
        return targetDuration > 0;
    }

    public int targetDuration() {
        return targetDuration;
    }

    public HlsConfig config() {
        return config;
    }

    /** The segments in the window, oldest first; the last may be open. */
    public List<Segment> segments() {
        return List.copyOf(window);
    }

    /** Discontinuities before the window's first segment (EXT-X-DISCONTINUITY-SEQUENCE). */
    public long discontinuitySequence() {
        return discontinuitySequence;
    }

    /** The sequence number the next part will have (its URI is the preload hint). */
    public long nextPartSequence() {
        return nextPartSequence;
    }

    public Optional<Segment> segment(long msn) {
        return window.stream().filter(s -> s.msn() == msn).findFirst();
    }

    public Optional<Part> part(long sequence) {
        for (Segment s : window) {
            for (Part p : s.parts()) {
                if (p.sequence() == sequence) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    public Optional<InitSection> init(int id) {
        return window.stream().map(Segment::init).filter(i -> i.id() == id).findFirst();
    }

    /** The newest part, if any: the playlist's last {@code EXT-X-PART}. */
    public Optional<Part> lastPart() {
        for (var it = window.descendingIterator(); it.hasNext(); ) {
            List<Part> parts = it.next().parts();
            if (!parts.isEmpty()) {
                return Optional.of(parts.get(parts.size() - 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the playlist holds part {@code part} of segment {@code msn} or a later one (a blocking
     * reload's {@code _HLS_msn}/{@code _HLS_part}, RFC 8216bis 6.2.5.2); {@code part} -1 asks for
     * the whole segment.
     */
    public boolean reached(long msn, int part) {
        if (part < 0) {
            return window.stream().anyMatch(s -> s.msn() >= msn && s.isComplete());
        }
        return lastPart().map(p -> p.msn() > msn || p.msn() == msn && p.index() >= part).orElse(false);
    }

    /** The media playlist, URIs relative to it under {@code uriPrefix} (e.g. {@code "cam1/"}). */
    public String playlist(String uriPrefix) {
        return playlist(uriPrefix, "");
    }

    /** The media playlist with {@code query} (e.g. {@code "?token=..."}, already URI-encoded) after every URI. */
    public String playlist(String uriPrefix, String query) {
        return MediaPlaylist.render(this, uriPrefix, query);
    }

    private void header(MediaPacket p) {
        MediaPacket current = p.kind() == MediaPacket.Kind.VIDEO ? videoHeader : audioHeader;
        if (current != null && Arrays.equals(current.payload(), p.payload())) {
            return;
        }
        if (p.kind() == MediaPacket.Kind.VIDEO) {
            videoHeader = p;
        } else {
            audioHeader = p;
        }
        init = null;
        if (primary != null) {
            flush();
            discontinuityNext = true;
        }
    }

    private void frame(MediaPacket p) {
        boolean isPrimary = primary != null ? (p.kind() == MediaPacket.Kind.VIDEO) == primaryIsVideo : startTracks(p);
        TrackSamples track = !isPrimary ? secondary : primary;
        if (track == null) {
            return;
        }
        track.track().entry().sample(p, 0); // refuses a truncated or foreign frame before anything changes
        if (!isPrimary) {
            if (open != null) {
                secondary.add(p);
            }
            return;
        }
        boolean key = !primaryIsVideo || p.isKeyframe();
        if (open == null) {
            if (key) {
                openSegment(p);
            }
            return;
        }
        long t = primary.track().entry().ticks(p.timestamp());
        if (t - partStartTicks > partTargetTicks() && primary.hasCompleted()) {
            cutPart(); // the held frame came late: the part ends before it
        }
        primary.add(p);
        if (key && t - segmentStartTicks >= primary.track().entry().ticks(config.minSegment().toMillis())) {
            cutPart();
            closeSegment();
            openSegment(p);
        } else if (primary.hasCompleted()
                && t - partStartTicks + primary.lastDuration() > partTargetTicks() + primary.track().entry().ticks(1)) {
            cutPart(); // the next frame would not fit (give or take the millisecond timestamps round to): the part leaves now
        }
    }

    /** Builds the tracks from the headers at the first frame; returns whether {@code p} is the primary track's. */
    private boolean startTracks(MediaPacket p) {
        SampleEntry video = entry(videoHeader, true);
        SampleEntry audio = entry(audioHeader, false);
        if (video == null && audio == null) {
            return false;
        }
        primaryIsVideo = video != null;
        List<Track> tracks = new ArrayList<>();
        if (video != null) {
            tracks.add(new Track(1, video));
        }
        if (audio != null) {
            tracks.add(new Track(tracks.size() + 1, audio));
        }
        primary = new TrackSamples(tracks.get(0));
        secondary = tracks.size() > 1 ? new TrackSamples(tracks.get(1)) : null;
        if (init == null) {
            String codecs = String.join(",", tracks.stream().map(t -> t.entry().codecString()).toList());
            init = new InitSection(nextInitId++, Fmp4.initSegment(tracks), codecs);
        }
        if (!anchored) {
            anchor(p.timestamp(), wallClockMillis.getAsLong());
        }
        return (p.kind() == MediaPacket.Kind.VIDEO) == primaryIsVideo;
    }

    /** The sample entry of a sequence header, or none for a codec the writer has no entry for, or a bad header. */
    private static SampleEntry entry(MediaPacket header, boolean video) {
        if (header == null) {
            return null;
        }
        try {
            if (video) {
                return (header.payload()[0] & 0x0f) == 7 ? AvcSampleEntry.of(header) : null;
            }
            return AacSampleEntry.of(header);
        } catch (CodecConfigException | IllegalArgumentException bad) {
            return null;
        }
    }

    private void openSegment(MediaPacket keyframe) {
        open = new Segment(nextMsn++, init, discontinuityNext);
        discontinuityNext = false;
        window.addLast(open);
        if (!primary.hasPending()) {
            primary.add(keyframe);
        }
        segmentStartTicks = primary.pendingDecodeTime();
        partStartTicks = segmentStartTicks;
        partIndependent = true;
    }

    private void cutPart() {
        TrackRun main = primary.take();
        if (main.samples().isEmpty()) {
            return;
        }
        List<TrackRun> runs = new ArrayList<>(2);
        runs.add(main);
        if (secondary != null) {
            completeSecondaryBefore(main);
            runs.add(secondary.take());
        }
        double seconds = main.duration() / (double) primary.track().entry().timescale();
        Part part = new Part(nextPartSequence++, open.msn(), open.partCount(), seconds, partIndependent,
                Fmp4.fragment(++fragmentSequence, runs));
        long startMillis = main.baseDecodeTime() * 1000 / primary.track().entry().timescale();
        open.add(part, anchorWallClock + startMillis - anchorTimestamp);
        windowBytes += part.bytes().length;
        partStartTicks = primary.pendingDecodeTime();
        partIndependent = primary.pendingSync();
        cut.add(part);
    }

    /**
     * Completes the secondary track's held frame, with the last duration seen (its successor, which
     * would tell the exact one, comes later), if it starts before the part's end or within a frame
     * after it (the millisecond timestamps round both tracks' times), so that the part's audio reaches
     * its video's end. Left for the next part, the audio of a part ended up to a frame before its
     * video: a player whose buffer then ends a few milliseconds short of the part's end takes the part
     * for unfinished, and hls.js, joining a stream in its first second, loaded that segment's parts
     * again and again until playback stalled (docs/BENCHMARKS.md).
     */
    private void completeSecondaryBefore(TrackRun main) {
        double end = (main.baseDecodeTime() + main.duration()) / (double) primary.track().entry().timescale();
        double timescale = secondary.track().entry().timescale();
        double held = secondary.pendingDecodeTime() / timescale;
        if (secondary.hasPending() && secondary.lastDuration() > 0 && held < end + secondary.lastDuration() / timescale) {
            secondary.finish();
        }
    }

    private void announce() {
        if (!cut.isEmpty()) {
            List<Part> parts = List.copyOf(cut);
            cut.clear();
            parts.forEach(onPart);
        }
    }

    private void closeSegment() {
        open.complete();
        if (open.partCount() == 0) {
            window.removeLast(); // nothing was cut into it: its number is used again
            nextMsn--;
        } else {
            targetDuration = Math.max(targetDuration, Math.max(1, (int) Math.round(open.duration())));
        }
        open = null;
        while (window.size() > 1 && (window.size() > config.windowSegments() || windowBytes > config.maxWindowBytes())) {
            Segment gone = window.removeFirst();
            windowBytes -= gone.bytes();
            if (gone.discontinuity()) {
                discontinuitySequence++;
            }
        }
    }

    private long partTargetTicks() {
        return primary.track().entry().ticks(config.partTarget().toMillis());
    }

    private void anchor(long timestamp, long wallClock) {
        anchored = true;
        anchorTimestamp = timestamp;
        anchorWallClock = wallClock;
    }
}
