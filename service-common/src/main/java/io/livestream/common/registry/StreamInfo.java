package io.livestream.common.registry;

import io.vertx.core.json.JsonObject;

/**
 * A live stream as the registry holds it: who ingests it, since when, and what it carries.
 * Codec fields are empty until the sequence headers have arrived. A private stream plays only
 * with a play token for it ({@link io.livestream.common.auth.PlayAccess}); JSON field {@code private}.
 * {@code publisherAddress} is the publisher's client address as the ingest saw it (the PROXY
 * protocol header's when that is on, else the TCP peer's), empty for a publisher with none (the
 * demo clip); it is for operators, so the public listing shows it to admin tokens only.
 */
public record StreamInfo(
        String name,
        String ingestNode,
        long epoch,
        long startedAt,
        Video video,
        Audio audio,
        long bitrateBps,
        boolean privateStream,
        String publisherAddress) {

    /**
     * @param codec       short name: {@code h264}, {@code hevc}, {@code av1}, {@code vp9}
     * @param codecString the RFC 6381 codec string a player checks ({@code MediaSource.isTypeSupported}), e.g. {@code av01.0.04M.08}
     */
    public record Video(String codec, String profile, int width, int height, double fps, String codecString) {
        public static final Video NONE = new Video("", "", 0, 0, 0, "");

        public Video withFps(double measured) {
            return new Video(codec, profile, width, height, measured, codecString);
        }
    }

    /**
     * @param codec       short name: {@code aac}, {@code opus}, {@code flac}, {@code ac-3}, {@code ec-3}, {@code mp3}
     * @param codecString the RFC 6381 codec string, e.g. {@code mp4a.40.2}
     */
    public record Audio(String codec, int sampleRate, int channels, String codecString) {
        public static final Audio NONE = new Audio("", 0, 0, "");
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name)
                .put("ingestNode", ingestNode)
                .put("epoch", epoch)
                .put("startedAt", startedAt)
                .put("video", new JsonObject()
                        .put("codec", video.codec()).put("profile", video.profile())
                        .put("width", video.width()).put("height", video.height()).put("fps", video.fps())
                        .put("codecString", video.codecString()))
                .put("audio", new JsonObject()
                        .put("codec", audio.codec()).put("sampleRate", audio.sampleRate()).put("channels", audio.channels())
                        .put("codecString", audio.codecString()))
                .put("bitrateBps", bitrateBps)
                .put("private", privateStream)
                .put("publisherAddress", publisherAddress);
    }

    public static StreamInfo fromJson(JsonObject json) {
        JsonObject v = json.getJsonObject("video", new JsonObject());
        JsonObject a = json.getJsonObject("audio", new JsonObject());
        return new StreamInfo(
                json.getString("name"),
                json.getString("ingestNode"),
                json.getLong("epoch", 0L),
                json.getLong("startedAt", 0L),
                new Video(v.getString("codec", ""), v.getString("profile", ""),
                        v.getInteger("width", 0), v.getInteger("height", 0), v.getDouble("fps", 0.0), v.getString("codecString", "")),
                new Audio(a.getString("codec", ""), a.getInteger("sampleRate", 0), a.getInteger("channels", 0), a.getString("codecString", "")),
                json.getLong("bitrateBps", 0L),
                json.getBoolean("private", false),
                json.getString("publisherAddress", ""));
    }
}
