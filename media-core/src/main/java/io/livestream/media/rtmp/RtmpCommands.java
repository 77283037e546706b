package io.livestream.media.rtmp;

import io.livestream.media.amf.Amf0;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NetConnection and NetStream commands of the publish flow (RTMP spec 7.2) that OBS and
 * ffmpeg send, and the replies they expect, as nginx-rtmp, SRS and FMS answer them.
 */
public final class RtmpCommands {
    private RtmpCommands() {
    }

    // ---- server to client

    /** 7.2.1.1: {@code _result} of connect. */
    public static RtmpMessage.Command connectResult(double transactionId, double objectEncoding) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,0,1,123");
        properties.put("capabilities", 31.0);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", "status");
        info.put("code", "NetConnection.Connect.Success");
        info.put("description", "Connection succeeded.");
        info.put("objectEncoding", objectEncoding);
        return new RtmpMessage.Command(0, "_result", transactionId, List.of(properties, info));
    }

    /** {@code _result} with the given values (releaseStream, FCPublish: null; createStream: null, stream id). */
    public static RtmpMessage.Command result(double transactionId, Object... values) {
        return new RtmpMessage.Command(0, "_result", transactionId, list(values));
    }

    /** {@code _error}: null command object, then the info object. */
    public static RtmpMessage.Command error(double transactionId, Object info) {
        return new RtmpMessage.Command(0, "_error", transactionId, list(Amf0.NULL, info));
    }

    /** 7.2.2: NetStream {@code onStatus} with level ("status" or "error"), code and description. */
    public static RtmpMessage.Command onStatus(int streamId, String level, String code, String description) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return new RtmpMessage.Command(streamId, "onStatus", 0, list(Amf0.NULL, info));
    }

    // ---- client to server (a publisher)

    public static RtmpMessage.Command connect(double transactionId, String app, String tcUrl) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("app", app);
        properties.put("type", "nonprivate");
        properties.put("flashVer", "FMLE/3.0 (compatible; livestream)");
        properties.put("tcUrl", tcUrl);
        return new RtmpMessage.Command(0, "connect", transactionId, List.of(properties));
    }

    public static RtmpMessage.Command releaseStream(double transactionId, String name) {
        return new RtmpMessage.Command(0, "releaseStream", transactionId, list(Amf0.NULL, name));
    }

    public static RtmpMessage.Command fcPublish(double transactionId, String name) {
        return new RtmpMessage.Command(0, "FCPublish", transactionId, list(Amf0.NULL, name));
    }

    public static RtmpMessage.Command createStream(double transactionId) {
        return new RtmpMessage.Command(0, "createStream", transactionId, list(Amf0.NULL));
    }

    /** 7.2.2.6: publish {@code name} (may carry {@code ?token=...}) as type "live". */
    public static RtmpMessage.Command publish(double transactionId, int streamId, String name, String type) {
        return new RtmpMessage.Command(streamId, "publish", transactionId, list(Amf0.NULL, name, type));
    }

    public static RtmpMessage.Command fcUnpublish(double transactionId, String name) {
        return new RtmpMessage.Command(0, "FCUnpublish", transactionId, list(Amf0.NULL, name));
    }

    public static RtmpMessage.Command deleteStream(double transactionId, int streamId) {
        return new RtmpMessage.Command(0, "deleteStream", transactionId, list(Amf0.NULL, (double) streamId));
    }

    /** {@code @setDataFrame onMetaData {...}}: the metadata a publisher sends before media. */
    public static RtmpMessage.Data setDataFrame(int streamId, Map<String, ?> metadata) {
        return new RtmpMessage.Data(0, streamId, list("@setDataFrame", "onMetaData", new Amf0.EcmaArray(metadata)));
    }

    private static List<Object> list(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }
}
