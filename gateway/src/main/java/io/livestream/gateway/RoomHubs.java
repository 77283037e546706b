package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomNotice;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The room fan-out of a gateway: per room, its members on this gateway and the subscription to
 * {@code room.<id>.out} that feeds them, held only while the room has members here. Each batch is
 * encoded once and handed to every member; a banned user's sockets are closed {@code banned}.
 * A batch of an ownership epoch older than the newest seen for the room (a stale owner's) is dropped;
 * one of a newer epoch (the room moved) has each member join the new owner again.
 * Confined to the gateway's event loop.
 */
final class RoomHubs {

    /** A member as the hub sees it: who it is, and where a batch goes. */
    interface Recipient {
        /** The member's user id; empty for a reader, or before it has joined. */
        String userId();

        /** {@code text}: the batch as members get it, encoded once for all of them. */
        void deliver(RoomMessage.Batch batch, String text);

        void close(CloseReason reason);

        /** The room has a new owner (a batch of a newer epoch came): the member joins it again, quietly. */
        default void moved() {
        }
    }

    private final EventBus bus;
    private final Map<String, Hub> hubs = new HashMap<>();

    RoomHubs(EventBus bus) {
        this.bus = bus;
    }

    /** Adds a member to {@code room}'s hub, subscribing to the room when it is the first here. */
    void add(String room, Recipient member) {
        hubs.computeIfAbsent(room, Hub::new).members.add(member);
    }

    /** Removes a member; the last one to go ends the subscription. */
    void remove(String room, Recipient member) {
        Hub hub = hubs.get(room);
        if (hub != null && hub.members.remove(member) && hub.members.isEmpty()) {
            hub.consumer.unregister();
            hubs.remove(room);
        }
    }

    /** Members over every room. */
    int members() {
        return hubs.values().stream().mapToInt(h -> h.members.size()).sum();
    }

    /** Rooms this gateway is subscribed to. */
    Set<String> rooms() {
        return Set.copyOf(hubs.keySet());
    }

    private final class Hub {
        final Set<Recipient> members = new LinkedHashSet<>();
        final MessageConsumer<RoomMessage.Batch> consumer;
        long epoch;

        Hub(String room) {
            this.consumer = bus.consumer(Addresses.roomOut(room), this::onBatch);
        }

        void onBatch(Message<RoomMessage.Batch> message) {
            RoomMessage.Batch batch = message.body();
            if (batch.epoch() < epoch) {
                return;
            }
            boolean moved = epoch > 0 && batch.epoch() > epoch;
            epoch = batch.epoch();
            String text = batch.toJson().encode(); // once for every member
            Set<String> banned = batch.notices().stream()
                    .filter(RoomNotice.Banned.class::isInstance)
                    .map(n -> ((RoomNotice.Banned) n).userId())
                    .collect(Collectors.toSet());
            for (Recipient m : List.copyOf(members)) {
                if (moved) { // the new owner counts the members already here
                    m.moved();
                }
                m.deliver(batch, text);
                if (banned.contains(m.userId())) {
                    m.close(CloseReason.BANNED);
                }
            }
        }
    }
}
