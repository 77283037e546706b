package io.livestream.launcher.harness;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the LL-HLS tests read from a media playlist, and ffprobe reading an HLS URL. */
public final class LlHls {
    public static final Pattern PART = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+),URI=\"([^\"]+)\"(,INDEPENDENT=YES)?");

    private LlHls() {
    }

    /** The last part of a playlist: its segment's number and its index there, and whether an EXTINF closed that segment after it. */
    public record LastPart(long msn, int index, boolean endsSegment) {
        public static LastPart of(String playlist) {
            long msn = -1;
            int index = -1;
            long lastMsn = -1;
            int lastIndex = -1;
            boolean ended = false;
            for (String line : playlist.split("\n")) {
                if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    msn = Long.parseLong(line.substring(line.indexOf(':') + 1));
                } else if (PART.matcher(line).matches()) {
                    index++;
                    lastMsn = msn;
                    lastIndex = index;
                    ended = false;
                } else if (!line.startsWith("#") && line.contains(".m4s")) { // a segment's URI
                    ended = lastMsn == msn;
                    msn++;
                    index = -1;
                }
            }
            assertThat(lastMsn).as("a part in %s", playlist).isNotNegative();
            return new LastPart(lastMsn, lastIndex, ended);
        }

        /** The blocking-reload query for the part after this one: {@code _HLS_msn=M&_HLS_part=P}. */
        public String nextPartQuery() {
            return endsSegment ? "_HLS_msn=" + (msn + 1) + "&_HLS_part=0" : "_HLS_msn=" + msn + "&_HLS_part=" + (index + 1);
        }

        /** This part as one number, to compare two parts: {@code msn * 100 + index}. */
        public long ordinal() {
            return msn * 100 + index;
        }

        public LastPart next() {
            return endsSegment ? new LastPart(msn + 1, 0, false) : new LastPart(msn, index + 1, false);
        }
    }

    /** ffprobe reads {@code url} whole ({@code seconds} of it when positive): its streams' JSON (codec, size, frames read); stderr must stay empty. */
    public static JsonArray probe(String url, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-count_frames"));
        if (seconds > 0) {
            command.addAll(List.of("-read_intervals", "%+" + seconds));
        }
        command.addAll(List.of("-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", url));
        Process probe = new ProcessBuilder(command).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("ffprobe exit; stderr: %s", errors).isZero();
        assertThat(errors).as("decoding errors").isBlank();
        return new JsonObject(out).getJsonArray("streams");
    }

    /** The stream of {@code type} ({@code video}, {@code audio}) in ffprobe's answer. */
    public static JsonObject stream(JsonArray streams, String type) {
        for (int i = 0; i < streams.size(); i++) {
            if (type.equals(streams.getJsonObject(i).getString("codec_type"))) {
                return streams.getJsonObject(i);
            }
        }
        throw new AssertionError("no " + type + " stream in " + streams);
    }

    /** Frames ffprobe decoded of the stream of {@code type}. */
    public static int frames(JsonArray streams, String type) {
        return Integer.parseInt(stream(streams, type).getString("nb_read_frames"));
    }
}
