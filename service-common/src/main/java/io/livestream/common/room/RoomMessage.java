package io.livestream.common.room;

import io.livestream.common.CloseReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Every message between gateways and the interaction service, in one place. Gateways send
 * {@link Request}s on {@code room.in} and get a {@link Reply}; the service publishes {@link Batch}es
 * on {@code room.<id>.out}. {@link RoomCodec} carries them, as JSON between nodes.
 */
public sealed interface RoomMessage {

    /** From a gateway, for one member of one room. */
    sealed interface Request extends RoomMessage {
        String room();

        RoomUser user();
    }

    /**
     * A member joins: answered with a {@link Hello}, or refused with an {@link Answer} that closes it.
     * {@code lastSeq}: the last event it saw (0: none); {@code address}: its client address, for the
     * room to refuse guests from the address of a banned one.
     */
    record Join(String room, RoomUser user, long lastSeq, String address) implements Request {
    }

    /** A member that had joined has gone; answered with {@link Answer#OK}. */
    record Leave(String room, RoomUser user) implements Request {
    }

    /** What a member said (a client message, as it sent it); answered with an {@link Answer}. */
    record Send(String room, RoomUser user, JsonObject message) implements Request {
    }

    sealed interface Reply extends RoomMessage {
    }

    /** The member's first message, {@code {type: "hello", ...}} without its {@code you}, which the gateway adds. */
    record Hello(JsonObject hello) implements Reply {
    }

    /**
     * The room's answer to the member alone: an error (null when taken), and the reason to close
     * its socket with (null to keep it open).
     */
    record Answer(RoomError error, CloseReason close) implements Reply {
        public static final Answer OK = new Answer(null, null);
    }

    /**
     * What every member of a room sees, in the room's order: {@code {type: "batch", events}} is
     * sent to members as it is, encoded once. The events are JSON objects, as members get them.
     * {@code epoch}: the ownership epoch of the replica that published it (0: none); a gateway
     * drops batches of an epoch older than one it has seen for the room (a stale owner's).
     */
    record Batch(long epoch, List<JsonObject> events) implements RoomMessage {
        public Batch {
            events = List.copyOf(events);
        }

        public Batch(List<JsonObject> events) {
            this(0, events);
        }

        /** The notices among the events, typed. */
        public List<RoomNotice> notices() {
            return events.stream().map(RoomNotice::of).flatMap(Optional::stream).toList();
        }

        /** The batch as members get it. */
        public JsonObject toJson() {
            return new JsonObject().put("type", RoomProtocol.ServerType.BATCH.label).put("events", new JsonArray(events));
        }
    }
}
