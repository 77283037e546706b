package io.livestream.common.record;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The recordings directory: names, listing oldest first, and the bounds deleting the oldest ended recordings. */
class RecordingStoreTest {
    private static final long HOUR = 3_600_000;
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;

    /** A recording of {@code bytes} media started at {@code start}, {@code seconds} long. */
    private static String record(RecordingStore store, String stream, long start, double seconds, int bytes, boolean ended) throws Exception {
        String name = RecordingStore.name(stream, start);
        store.write(name, "seg-0.m4s", new byte[bytes]);
        store.replace(name, RecordingStore.META, new JsonObject().put("name", name).put("stream", stream).put("start", start)
                .put("duration", seconds).put("bytes", bytes).put("ended", ended).put("private", false).encode());
        return name;
    }

    @Test
    void namesAreTheStreamAndItsUtcStartAndTheListingIsOldestFirst() throws Exception {
        RecordingStore store = new RecordingStore(dir, RecordingStore.Bounds.NONE);
        assertThat(RecordingStore.name("cam1", T0)).isEqualTo("cam1-20270115-080000-000");
        String later = record(store, "b", T0 + HOUR, 10, 100, true);
        String earlier = record(store, "a", T0, 10, 100, true);
        Files.createDirectories(dir.resolve("not a recording"));
        assertThat(store.list()).extracting(m -> m.getString("name")).containsExactly(earlier, later);
    }

    @Test
    void pastTheSizeBoundTheOldestEndedRecordingsGoUntilTheRestFit() throws Exception {
        RecordingStore store = new RecordingStore(dir, new RecordingStore.Bounds(250, Duration.ZERO));
        String first = record(store, "s", T0, 10, 100, true);
        String second = record(store, "s", T0 + HOUR, 10, 100, true);
        String third = record(store, "s", T0 + 2 * HOUR, 10, 100, true);
        assertThat(store.enforce(T0 + 3 * HOUR, Set.of())).containsExactly(first);
        assertThat(Files.exists(dir.resolve(first))).isFalse();
        assertThat(store.list()).extracting(m -> m.getString("name")).containsExactly(second, third);
        assertThat(store.enforce(T0 + 3 * HOUR, Set.of())).as("within the bound now").isEmpty();
    }

    @Test
    void aRecordingBeingWrittenIsNeverDeletedWhateverItsSize() throws Exception {
        RecordingStore store = new RecordingStore(dir, new RecordingStore.Bounds(50, Duration.ofMinutes(1)));
        String open = record(store, "s", T0, 10, 100, false);
        String writing = record(store, "t", T0 + 1, 10, 100, true); // ended in its file, but still in the writer's hands
        assertThat(store.enforce(T0 + 3 * HOUR, Set.of(writing))).isEmpty();
        assertThat(store.list()).extracting(m -> m.getString("name")).containsExactly(open, writing);
    }

    @Test
    void pastTheAgeBoundARecordingGoesCountedFromItsEnd() throws Exception {
        RecordingStore store = new RecordingStore(dir, new RecordingStore.Bounds(0, Duration.ofHours(1)));
        String old = record(store, "s", T0, 600, 100, true); // ended at T0 + 10 min
        String recent = record(store, "s", T0 + HOUR, 60, 100, true);
        assertThat(store.enforce(T0 + HOUR + 10 * 60_000 - 1, Set.of())).as("ended 1 h - 1 ms ago").isEmpty();
        assertThat(store.enforce(T0 + HOUR + 10 * 60_000 + 1, Set.of())).containsExactly(old);
        assertThat(store.list()).extracting(m -> m.getString("name")).containsExactly(recent);
    }

    @Test
    void aRecordingWhoseWriterWentQuietIsEndedAsFarAsItGotAndThenFallsUnderTheBounds() throws Exception {
        RecordingStore store = new RecordingStore(dir, new RecordingStore.Bounds(0, Duration.ofHours(1)));
        String orphan = record(store, "dead", T0, 30, 100, false);
        String live = record(store, "alive", T0, 30, 100, false);
        String mine = record(store, "mine", T0, 30, 100, false);
        VodPlaylist playlist = new VodPlaylist(orphan);
        playlist.add(new VodPlaylist.Entry(0, 2.0, 0, false, T0));
        store.replace(orphan, RecordingStore.PLAYLIST, playlist.render(false));
        long quietSince = T0 + 30_000;
        long now = quietSince + RecordingStore.ABANDONED_AFTER.toMillis();
        for (String name : new String[] {orphan, mine}) {
            Files.setLastModifiedTime(dir.resolve(name).resolve(RecordingStore.META), java.nio.file.attribute.FileTime.fromMillis(quietSince));
        }
        Files.setLastModifiedTime(dir.resolve(live).resolve(RecordingStore.META), java.nio.file.attribute.FileTime.fromMillis(now - 5_000));

        assertThat(store.endAbandoned(now - 1, Set.of(mine))).as("a millisecond short of the quiet time").isEmpty();
        assertThat(store.endAbandoned(now, Set.of(mine))).as("the live one and this node's own stay open").containsExactly(orphan);
        JsonObject meta = store.meta(orphan);
        assertThat(meta.getBoolean("ended")).isTrue();
        assertThat(meta.getBoolean("interrupted")).isTrue();
        assertThat(meta.getDouble("duration")).isEqualTo(30.0);
        assertThat(Files.readString(dir.resolve(orphan).resolve(RecordingStore.PLAYLIST))).isEqualTo(playlist.render(true));
        assertThat(store.meta(live).getBoolean("ended")).isFalse();
        assertThat(store.endAbandoned(now + HOUR, Set.of(mine, live))).as("once").isEmpty();
        assertThat(store.enforce(T0 + 30_000 + HOUR + 1, Set.of(mine))).as("ended now, so the age bound applies").containsExactly(orphan);
    }

    @Test
    void aVodPlaylistEndsWhenTheStreamHasEndedAndMarksDiscontinuities() {
        VodPlaylist playlist = new VodPlaylist("cam1-x");
        playlist.add(new VodPlaylist.Entry(0, 1.0, 0, false, T0));
        playlist.add(new VodPlaylist.Entry(1, 1.2, 0, false, T0 + 1000));
        playlist.add(new VodPlaylist.Entry(2, 0.5, 1, true, T0 + 2200));
        String head = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n";
        String body = "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-MAP:URI=\"cam1-x/init-0.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:2027-01-15T08:00:00Z\n#EXTINF:1.00000,\ncam1-x/seg-0.m4s\n"
                + "#EXT-X-PROGRAM-DATE-TIME:2027-01-15T08:00:01Z\n#EXTINF:1.20000,\ncam1-x/seg-1.m4s\n"
                + "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"cam1-x/init-1.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:2027-01-15T08:00:02.200Z\n"
                + "#EXTINF:0.50000,\ncam1-x/seg-2.m4s\n";
        assertThat(playlist.render(false)).isEqualTo(head + "#EXT-X-PLAYLIST-TYPE:EVENT\n" + body);
        assertThat(playlist.render(true)).isEqualTo(head + "#EXT-X-PLAYLIST-TYPE:VOD\n" + body + "#EXT-X-ENDLIST\n");
        assertThat(playlist.duration()).isEqualTo(2.7, org.assertj.core.data.Offset.offset(1e-9));
    }
}
