package io.livestream.common.room;

import io.livestream.common.CloseReason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one codec of {@link RoomMessage}s: JSON between nodes ({@link #toJson}, {@link #fromJson});
 * within one JVM the same object, without a copy (nobody changes a message once sent).
 * The JSON: requests {@code {op: join|leave|send, room, user, lastSeq?, address?, message?}};
 * replies {@code {hello}} or {@code {error?, close?}}; batches {@code {type: "batch", events, epoch?}}.
 */
public final class RoomCodec implements MessageCodec<RoomMessage, RoomMessage> {
    private static final String JOIN = "join";
    private static final String LEAVE = "leave";
    private static final String SEND = "send";

    private final String name;

    RoomCodec(String name) {
        this.name = name;
    }

    /**
     * Registers the codec as the default one of every room message type (Vert.x wants a name per
     * type, the codec is the same); safe to call twice.
     */
    public static void register(EventBus bus) {
        for (Class<?> type : types(RoomMessage.class)) {
            try {
                @SuppressWarnings("unchecked")
                Class<RoomMessage> message = (Class<RoomMessage>) type;
                bus.registerDefaultCodec(message, new RoomCodec("livestream.room." + type.getSimpleName()));
            } catch (IllegalStateException alreadyRegistered) {
                // another verticle of this Vert.x instance registered it first
            }
        }
    }

    /** The records under a sealed type: the classes messages are sent as. */
    private static List<Class<?>> types(Class<?> type) {
        if (!type.isSealed()) {
            return List.of(type);
        }
        List<Class<?>> out = new ArrayList<>();
        Arrays.stream(type.getPermittedSubclasses()).forEach(sub -> out.addAll(types(sub)));
        return out;
    }

    public static JsonObject toJson(RoomMessage message) {
        if (message instanceof RoomMessage.Join j) {
            return request(JOIN, j).put("lastSeq", j.lastSeq()).put("address", j.address());
        } else if (message instanceof RoomMessage.Leave l) {
            return request(LEAVE, l);
        } else if (message instanceof RoomMessage.Send s) {
            return request(SEND, s).put("message", s.message());
        } else if (message instanceof RoomMessage.Hello h) {
            return new JsonObject().put("hello", h.hello());
        } else if (message instanceof RoomMessage.Answer a) {
            JsonObject json = new JsonObject();
            if (a.error() != null) {
                json.put("error", a.error().toJson());
            }
            if (a.close() != null) {
                json.put("close", a.close().label);
            }
            return json;
        }
        RoomMessage.Batch batch = (RoomMessage.Batch) message;
        return batch.epoch() == 0 ? batch.toJson() : batch.toJson().put("epoch", batch.epoch());
    }

    private static JsonObject request(String op, RoomMessage.Request request) {
        return new JsonObject().put("op", op).put("room", request.room()).put("user", request.user().toJson());
    }

    /** @throws IllegalArgumentException for JSON that is no room message */
    public static RoomMessage fromJson(JsonObject json) {
        String op = json.getString("op");
        if (op != null) {
            String room = json.getString("room");
            RoomUser user = RoomUser.fromJson(json.getJsonObject("user"));
            return switch (op) {
                case JOIN -> new RoomMessage.Join(room, user, json.getLong("lastSeq", 0L), json.getString("address"));
                case LEAVE -> new RoomMessage.Leave(room, user);
                case SEND -> new RoomMessage.Send(room, user, json.getJsonObject("message", new JsonObject()));
                default -> throw new IllegalArgumentException("unknown room op '" + op + "'");
            };
        }
        if (RoomProtocol.ServerType.BATCH.label.equals(json.getString("type"))) {
            List<JsonObject> events = new ArrayList<>();
            json.getJsonArray("events", new JsonArray()).forEach(e -> events.add((JsonObject) e));
            return new RoomMessage.Batch(json.getLong("epoch", 0L), events);
        }
        if (json.containsKey("hello")) {
            return new RoomMessage.Hello(json.getJsonObject("hello"));
        }
        String close = json.getString("close");
        return new RoomMessage.Answer(RoomError.fromJson(json.getJsonObject("error")), close == null ? null : closeReason(close));
    }

    private static CloseReason closeReason(String label) {
        return Arrays.stream(CloseReason.values()).filter(r -> r.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown close reason '" + label + "'"));
    }

    @Override
    public void encodeToWire(Buffer buffer, RoomMessage message) {
        Buffer json = toJson(message).toBuffer();
        buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public RoomMessage decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public RoomMessage transform(RoomMessage message) {
        return message;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
