package io.livestream.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The flow control of what one member says on its way to the room. At most {@link #MAX_IN_FLIGHT}
 * messages await the room's answer; while that many do, the member's socket is not read, so the
 * rest of a burst waits in the client's own socket (TCP pushes back) and a flood costs the event
 * loop every member and viewer share no more than the room's pace. Messages Vert.x had already
 * decoded wait here in order, up to {@link #MAX_WAITING_CHARS}. Confined to the gateway's event loop.
 */
final class RoomInflow {
    static final int MAX_IN_FLIGHT = 8;
    static final int MAX_WAITING_CHARS = 256 * 1024;

    /** A message waiting for its turn to go to the room, with its size as it arrived. */
    private record Waiting(JsonObject message, int chars) {
    }

    private final ReadStream<?> socket;
    private final Consumer<JsonObject> toRoom;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;
    private int waitingChars;
    private boolean paused;

    /** {@code toRoom}: sends one message to the room; {@link #answered()} is to be called for each. */
    RoomInflow(ReadStream<?> socket, Consumer<JsonObject> toRoom) {
        this.socket = socket;
        this.toRoom = toRoom;
    }

    /**
     * A message the member sent, {@code chars} long as it arrived: to the room now, or waiting.
     * False when it would take the waiting messages past {@link #MAX_WAITING_CHARS} (a flood): it is dropped.
     */
    boolean offer(JsonObject message, int chars) {
        if (inFlight == MAX_IN_FLIGHT) { // decoded before the pause took effect
            if (waitingChars + chars > MAX_WAITING_CHARS) {
                return false;
            }
            waiting.addLast(new Waiting(message, chars));
            waitingChars += chars;
            return true;
        }
        send(message);
        if (inFlight == MAX_IN_FLIGHT) {
            pause();
        }
        return true;
    }

    /** The room answered one message: the next waiting one goes, or reading resumes. */
    void answered() {
        inFlight--;
        Waiting next = waiting.pollFirst();
        if (next != null) {
            waitingChars -= next.chars();
            send(next.message());
        } else if (paused) {
            paused = false;
            socket.resume();
        }
    }

    /** The room answered one message of a member that is closing: nothing more goes. */
    void answeredWhileClosing() {
        inFlight--;
        waiting.clear();
        waitingChars = 0;
    }

    /** Stops reading the member for good (closed for abuse: the rest of its flood stays in its socket). */
    void pause() {
        if (!paused) {
            paused = true;
            socket.pause();
        }
    }

    /**
     * The socket has closed: frames Vert.x 5.0 still holds for a paused socket are released only by
     * reading them (it drops them unreleased when the connection closes: Netty reports leaks).
     */
    void closed() {
        if (paused) {
            socket.resume();
        }
    }

    private void send(JsonObject message) {
        inFlight++;
        toRoom.accept(message);
    }
}
