package io.livestream.media.fmp4;

import java.util.List;

/**
 * Fragmented MP4 (ISO/IEC 14496-12) as HLS plays it (RFC 8216bis 3.1.2): an initialization
 * segment ({@code ftyp}, {@code moov} with one {@code trak} per track and {@code mvex}, no samples)
 * and media fragments ({@code moof} + {@code mdat}). Section numbers below are 14496-12's.
 */
public final class Fmp4 {
    /** 8.8.3.1 sample flags: sample_depends_on 2 (an I picture). */
    static final int SYNC_SAMPLE_FLAGS = 0x02000000;
    /** sample_depends_on 1, sample_is_non_sync_sample 1. */
    static final int NON_SYNC_SAMPLE_FLAGS = 0x01010000;
    /** 8.8.8.1 tr_flags. */
    static final int TRUN_DATA_OFFSET = 0x000001;
    static final int TRUN_DURATION = 0x000100;
    static final int TRUN_SIZE = 0x000200;
    static final int TRUN_FLAGS = 0x000400;
    static final int TRUN_COMPOSITION_OFFSET = 0x000800;
    /** 8.8.7.1 tf_flags: data offsets count from the start of the {@code moof}. */
    static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    /** ISO 639-2 "und" packed as three 5-bit letters (8.4.2.3). */
    private static final int LANGUAGE_UND = 0x55C4;
    private static final int MOVIE_TIMESCALE = 1000;

    private Fmp4() {
    }

    /** The initialization segment ({@code #EXT-X-MAP}) for these tracks. */
    public static byte[] initSegment(List<Track> tracks) {
        BoxWriter w = new BoxWriter(1024);
        int ftyp = w.open("ftyp");
        w.fourCc("iso6").u32(0).fourCc("iso6").fourCc("mp41");
        w.close(ftyp);
        int moov = w.open("moov");
        writeMvhd(w, tracks.stream().mapToInt(Track::id).max().orElse(0) + 1);
        for (Track t : tracks) {
            writeTrak(w, t);
        }
        int mvex = w.open("mvex");
        for (Track t : tracks) {
            int trex = w.openFull("trex", 0, 0); // 8.8.3: defaults unused, every trun says its own
            w.u32(t.id()).u32(1).u32(0).u32(0).u32(0);
            w.close(trex);
        }
        w.close(mvex);
        w.close(moov);
        return w.toByteArray();
    }

    /**
     * One fragment: a {@code moof} with a {@code traf} per non-empty run, then one {@code mdat} with
     * the runs' samples in the same order. {@code sequenceNumber} ({@code mfhd}) counts up from 1.
     */
    public static byte[] fragment(int sequenceNumber, List<TrackRun> runs) {
        List<TrackRun> nonEmpty = runs.stream().filter(r -> !r.samples().isEmpty()).toList();
        long dataBytes = nonEmpty.stream().mapToLong(TrackRun::bytes).sum();
        BoxWriter w = new BoxWriter((int) Math.min(Integer.MAX_VALUE - 8, dataBytes + 256 + 16L * nonEmpty.size()));
        int moof = w.open("moof");
        int mfhd = w.openFull("mfhd", 0, 0);
        w.u32(sequenceNumber);
        w.close(mfhd);
        int[] dataOffsetFields = new int[nonEmpty.size()];
        for (int i = 0; i < nonEmpty.size(); i++) {
            dataOffsetFields[i] = writeTraf(w, nonEmpty.get(i));
        }
        w.close(moof);
        long offset = w.position() - moof + 8L; // past the mdat's header
        for (int i = 0; i < nonEmpty.size(); i++) {
            w.setU32(dataOffsetFields[i], offset);
            offset += nonEmpty.get(i).bytes();
        }
        int mdat = w.open("mdat");
        for (TrackRun run : nonEmpty) {
            for (Sample s : run.samples()) {
                w.bytes(s.data(), s.offset(), s.length());
            }
        }
        w.close(mdat);
        return w.toByteArray();
    }

    /** Writes a {@code traf}; returns where its {@code trun}'s data_offset is, to be filled in. */
    private static int writeTraf(BoxWriter w, TrackRun run) {
        boolean video = run.track().entry().isVideo();
        int traf = w.open("traf");
        int tfhd = w.openFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF);
        w.u32(run.track().id());
        w.close(tfhd);
        int tfdt = w.openFull("tfdt", 1, 0);
        w.u64(run.baseDecodeTime());
        w.close(tfdt);
        int flags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | (video ? TRUN_COMPOSITION_OFFSET : 0);
        int trun = w.openFull("trun", video ? 1 : 0, flags); // version 1: signed composition offsets
        w.u32(run.samples().size());
        int dataOffsetField = w.position();
        w.u32(0);
        for (Sample s : run.samples()) {
            w.u32(s.duration()).u32(s.length()).u32(s.sync() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
            if (video) {
                w.u32(s.compositionOffset());
            }
        }
        w.close(trun);
        w.close(traf);
        return dataOffsetField;
    }

    private static void writeMvhd(BoxWriter w, int nextTrackId) {
        int mvhd = w.openFull("mvhd", 0, 0);
        w.u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(0); // creation, modification, timescale, duration (unknown: live)
        w.u32(0x00010000).u16(0x0100).zeros(10); // rate 1.0, volume 1.0, reserved
        w.unityMatrix().zeros(24); // pre_defined
        w.u32(nextTrackId);
        w.close(mvhd);
    }

    private static void writeTrak(BoxWriter w, Track t) {
        SampleEntry e = t.entry();
        int trak = w.open("trak");
        int tkhd = w.openFull("tkhd", 0, 0x000003); // track_enabled | track_in_movie
        w.u32(0).u32(0).u32(t.id()).u32(0).u32(0); // creation, modification, track_ID, reserved, duration
        w.zeros(8).u16(0).u16(0).u16(e.isVideo() ? 0 : 0x0100).u16(0); // reserved, layer, alternate_group, volume, reserved
        w.unityMatrix().u32((long) e.width() << 16).u32((long) e.height() << 16);
        w.close(tkhd);
        int mdia = w.open("mdia");
        int mdhd = w.openFull("mdhd", 0, 0);
        w.u32(0).u32(0).u32(e.timescale()).u32(0).u16(LANGUAGE_UND).u16(0);
        w.close(mdhd);
        int hdlr = w.openFull("hdlr", 0, 0);
        w.u32(0).fourCc(e.isVideo() ? "vide" : "soun").zeros(12).cString(e.isVideo() ? "VideoHandler" : "SoundHandler");
        w.close(hdlr);
        writeMinf(w, e);
        w.close(mdia);
        w.close(trak);
    }

    private static void writeMinf(BoxWriter w, SampleEntry e) {
        int minf = w.open("minf");
        if (e.isVideo()) {
            int vmhd = w.openFull("vmhd", 0, 1);
            w.u16(0).zeros(6); // graphicsmode copy, opcolor
            w.close(vmhd);
        } else {
            int smhd = w.openFull("smhd", 0, 0);
            w.u16(0).u16(0); // balance, reserved
            w.close(smhd);
        }
        int dinf = w.open("dinf");
        int dref = w.openFull("dref", 0, 0);
        w.u32(1);
        w.close(w.openFull("url ", 0, 1)); // self-contained: the media is in this file
        w.close(dref);
        w.close(dinf);
        int stbl = w.open("stbl");
        int stsd = w.openFull("stsd", 0, 0);
        w.u32(1);
        e.write(w);
        w.close(stsd);
        for (String table : new String[] {"stts", "stsc", "stsz", "stco"}) { // empty: the samples are in the fragments
            int box = w.openFull(table, 0, 0);
            w.u32(0);
            if (table.equals("stsz")) {
                w.u32(0); // sample_size, then sample_count
            }
            w.close(box);
        }
        w.close(stbl);
        w.close(minf);
    }
}
