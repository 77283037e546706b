package io.livestream.common.record;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The recordings directory: one folder per recording, {@code <stream>-<yyyyMMdd-HHmmss-SSS>} (UTC start),
 * holding its fMP4 init sections ({@code init-N.mp4}), segments ({@code seg-N.m4s}), the VOD playlist
 * ({@code index.m3u8}) and {@code recording.json} ({@code name, stream, start, duration, bytes, ended,
 * private}), the last two rewritten (through a temporary file and a rename) after each segment. Blocking
 * file I/O: call it from a worker ({@code executeBlocking}), never an event loop. Bounds: the oldest
 * recordings that have ended go first, once older than the age bound or while all of them together pass
 * the size bound; one being written is never deleted.
 */
public final class RecordingStore {
    public static final String NAME_REGEX = "[A-Za-z0-9_\\-]{1,100}";
    public static final String PLAYLIST = "index.m3u8";
    public static final String META = "recording.json";
    /**
     * A recording not ended and not written for this long has lost its writer. A live one is written at
     * every segment, seconds apart even with long key frame intervals.
     */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);
    private static final Pattern MEDIA = Pattern.compile("(init|seg)-[0-9]{1,18}\\.(mp4|m4s)");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    /** How much recordings may hold: {@code maxBytes} all together (0: no bound), and how long one is kept after it ended (zero: for ever). */
    public record Bounds(long maxBytes, Duration maxAge) {
        public static final Bounds NONE = new Bounds(0, Duration.ZERO);
    }

    private final Path dir;
    private final Bounds bounds;

    public RecordingStore(Path dir, Bounds bounds) {
        this.dir = dir;
        this.bounds = bounds;
    }

    public Path dir() {
        return dir;
    }

    public Bounds bounds() {
        return bounds;
    }

    /** The name of a recording of {@code stream} that started at {@code startMillis}. */
    public static String name(String stream, long startMillis) {
        return stream + "-" + STAMP.format(Instant.ofEpochMilli(startMillis));
    }

    /** Whether {@code file} is a media file name a recording may hold. */
    public static boolean isMediaFile(String file) {
        return MEDIA.matcher(file).matches();
    }

    /** Where {@code file} of recording {@code name} is; names are checked by the caller against {@link #NAME_REGEX}. */
    public Path file(String name, String file) {
        return dir.resolve(name).resolve(file);
    }

    public void createDirectories() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the recordings directory " + dir, e);
        }
    }

    /** Writes {@code file} of recording {@code name} whole (its folder created if need be). */
    public void write(String name, String file, byte[] bytes) throws IOException {
        Path folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.write(folder.resolve(file), bytes);
    }

    /** Replaces {@code file} of {@code name} at once: readers see the old or the new text, never half of one. */
    public void replace(String name, String file, String text) throws IOException {
        Path folder = dir.resolve(name);
        Path temporary = folder.resolve(file + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, folder.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The recording's {@code recording.json}, or null when there is none (or it cannot be read). */
    public JsonObject meta(String name) {
        try {
            return new JsonObject(Files.readString(file(name, META), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every recording's {@code recording.json}, oldest first. */
    public List<JsonObject> list() throws IOException {
        List<JsonObject> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                JsonObject meta = name.matches(NAME_REGEX) ? meta(name) : null;
                if (meta != null) {
                    out.add(meta);
                }
            }
        }
        out.sort(Comparator.comparingLong((JsonObject m) -> m.getLong("start", 0L)).thenComparing(m -> m.getString("name", "")));
        return out;
    }

    /**
     * Ends the recordings whose writer is gone (its ingest node was killed mid-stream, or this process
     * was): not ended, not in {@code recording} (the caller's own), and their {@code recording.json} not
     * written for {@link #ABANDONED_AFTER} by {@code nowMillis}, where a live recording rewrites it with
     * every segment. The playlist becomes a VOD one ending where the recording got to, and the meta says
     * {@code ended} and {@code interrupted}, so that it plays to its end and the bounds apply to it.
     * Another node sharing the directory may end the same recording at the same moment: both write the
     * same. Returns the names ended.
     */
    public List<String> endAbandoned(long nowMillis, Set<String> recording) throws IOException {
        List<String> ended = new ArrayList<>();
        for (JsonObject m : list()) {
            String name = m.getString("name");
            if (m.getBoolean("ended", false) || recording.contains(name)) {
                continue;
            }
            long written;
            try {
                written = Files.getLastModifiedTime(file(name, META)).toMillis();
            } catch (NoSuchFileException gone) {
                continue;
            }
            if (nowMillis - written < ABANDONED_AFTER.toMillis()) {
                continue;
            }
            Path playlist = file(name, PLAYLIST);
            if (Files.exists(playlist)) {
                String text = Files.readString(playlist, StandardCharsets.UTF_8)
                        .replace("#EXT-X-PLAYLIST-TYPE:EVENT\n", "#EXT-X-PLAYLIST-TYPE:VOD\n");
                replace(name, PLAYLIST, text.contains("#EXT-X-ENDLIST") ? text : text + "#EXT-X-ENDLIST\n");
            }
            replace(name, META, m.copy().put("ended", true).put("interrupted", true).encode());
            ended.add(name);
        }
        return ended;
    }

    /**
     * Deletes the oldest ended recordings, not those in {@code recording}: each ended longer ago than the age
     * bound at {@code nowMillis}, then more while all of them hold more than the size bound. Returns the names deleted.
     */
    public List<String> enforce(long nowMillis, Set<String> recording) throws IOException {
        List<JsonObject> all = list();
        long total = all.stream().mapToLong(m -> m.getLong("bytes", 0L)).sum();
        List<String> deleted = new ArrayList<>();
        for (JsonObject m : all) {
            String name = m.getString("name");
            if (recording.contains(name) || !m.getBoolean("ended", false)) {
                continue;
            }
            long endedAt = m.getLong("start", 0L) + Math.round(m.getDouble("duration", 0.0) * 1000);
            boolean tooOld = !bounds.maxAge().isZero() && nowMillis - endedAt > bounds.maxAge().toMillis();
            boolean tooBig = bounds.maxBytes() > 0 && total > bounds.maxBytes();
            if (tooOld || tooBig) {
                delete(name);
                total -= m.getLong("bytes", 0L);
                deleted.add(name);
            }
        }
        return deleted;
    }

    private void delete(String name) throws IOException {
        Path folder = dir.resolve(name);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException gone) {
            return; // another node of a shared directory deleted it first
        }
        Files.deleteIfExists(folder);
    }
}
