package io.livestream.ingest;

import io.livestream.common.LogField;
import io.livestream.common.record.RecordingStore;
import io.livestream.common.record.VodPlaylist;
import io.livestream.media.MediaPacket;
import io.livestream.media.hls.HlsConfig;
import io.livestream.media.hls.LlHlsSegmenter;
import io.livestream.media.hls.Part;
import io.livestream.media.hls.Segment;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/**
 * One publishing session recorded: its packets cut by media-core's {@link LlHlsSegmenter} (the segments
 * LL-HLS plays: on keyframes, fMP4), each segment written once complete, then the playlist and
 * {@code recording.json} rewritten; when the session ends the open segment is closed and the playlist
 * ends ({@code VOD}, {@code EXT-X-ENDLIST}). Memory: the segmenter's window, and the segments waiting
 * for the disk (bounded by {@link Recorder#MAX_PENDING_BYTES}; one past it is left out, and the next
 * follows a discontinuity). A failure of the segmenter or the disk ends the recording, never the publish.
 */
final class StreamRecorder implements SessionTap {
    private static final System.Logger LOG = System.getLogger(StreamRecorder.class.getName());
    private final Recorder recorder;
    private final RecordingStore store;
    private final String stream;
    private final String name;
    private final long startedAt;
    private final boolean privateStream;
    private final LlHlsSegmenter segmenter;
    private final VodPlaylist playlist;
    private final Set<Integer> initsWritten = new HashSet<>();
    private long nextMsn;
    private long bytes;
    private boolean gap;
    private boolean failed;
    private boolean ended;

    StreamRecorder(Recorder recorder, RecordingStore store, String stream, String name, long startedAt, boolean privateStream) {
        this.recorder = recorder;
        this.store = store;
        this.stream = stream;
        this.name = name;
        this.startedAt = startedAt;
        this.privateStream = privateStream;
        this.playlist = new VodPlaylist(name);
        this.segmenter = new LlHlsSegmenter(HlsConfig.DEFAULT, System::currentTimeMillis, this::partCut);
    }

    @Override
    public void packet(MediaPacket packet) {
        if (failed || ended) {
            return;
        }
        try {
            segmenter.accept(packet);
        } catch (RuntimeException e) {
            fail("the segmenter failed on " + packet + ": " + e);
        }
    }

    @Override
    public void ended() {
        if (ended) {
            return;
        }
        ended = true;
        if (!failed) {
            try {
                segmenter.end();
                writeCompleteSegments();
            } catch (RuntimeException e) {
                fail("the segmenter failed at the end: " + e);
            }
        }
        String text = playlist.render(true);
        JsonObject meta = meta(true);
        recorder.onDisk(() -> {
            if (playlist.segments() > 0) {
                store.replace(name, RecordingStore.PLAYLIST, text);
                store.replace(name, RecordingStore.META, meta.encode());
            }
        }).onComplete(ar -> {
            LOG.log(System.Logger.Level.INFO, "stream {0}: recording {1} ended, {2} s in {3} segments", LogField.stream(stream), name,
                    Math.round(playlist.duration()), playlist.segments());
            recorder.finished(name);
        });
    }

    private void partCut(Part part) {
        writeCompleteSegments();
    }

    /** Segments complete since the last call (one at most, as parts are cut one by one) go to the disk. */
    private void writeCompleteSegments() {
        for (Segment segment : segmenter.segments()) {
            if (segment.isComplete() && segment.msn() >= nextMsn) {
                nextMsn = segment.msn() + 1;
                write(segment);
            }
        }
    }

    private void write(Segment segment) {
        int init = segment.init().id();
        byte[] initBytes = initsWritten.contains(init) ? null : segment.init().bytes();
        byte[] media = new byte[(int) segment.bytes()];
        int at = 0;
        for (Part p : segment.parts()) {
            System.arraycopy(p.bytes(), 0, media, at, p.bytes().length);
            at += p.bytes().length;
        }
        long size = media.length + (initBytes == null ? 0 : initBytes.length);
        if (!recorder.reserve(size)) {
            LOG.log(System.Logger.Level.WARNING, "stream {0}: recording {1} left segment {2} out: the disk is behind",
                    LogField.stream(stream), name, segment.msn());
            gap = true;
            return;
        }
        initsWritten.add(init);
        bytes += media.length + (initBytes == null ? 0 : initBytes.length);
        playlist.add(new VodPlaylist.Entry(segment.msn(), segment.duration(), init, segment.discontinuity() || gap, segment.programDateTime()));
        gap = false;
        String text = playlist.render(false);
        JsonObject meta = meta(false);
        recorder.onDisk(() -> {
            if (initBytes != null) {
                store.write(name, "init-" + init + ".mp4", initBytes);
            }
            store.write(name, "seg-" + segment.msn() + ".m4s", media);
            store.replace(name, RecordingStore.PLAYLIST, text);
            store.replace(name, RecordingStore.META, meta.encode());
        }).onComplete(ar -> {
            recorder.release(size);
            if (ar.failed()) {
                fail("cannot write: " + ar.cause());
            }
        });
    }

    private JsonObject meta(boolean done) {
        return new JsonObject().put("name", name).put("stream", stream).put("start", startedAt)
                .put("duration", Math.round(playlist.duration() * 1000) / 1000.0).put("bytes", bytes)
                .put("ended", done).put("private", privateStream);
    }

    private void fail(String why) {
        if (!failed) {
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "stream {0}: recording {1} stopped: {2}", LogField.stream(stream), name, why);
        }
    }
}
