package io.livestream.gateway;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A member's flow control on its own: the window of messages awaiting the room, the pause, the waiting bound. */
class RoomInflowTest {

    /** The socket as the flow control sees it: whether it is being read. */
    private static final class FakeSocket implements ReadStream<Object> {
        boolean paused;
        int resumes;

        @Override
        public ReadStream<Object> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Object> handler(Handler<Object> handler) {
            return this;
        }

        @Override
        public ReadStream<Object> pause() {
            paused = true;
            return this;
        }

        @Override
        public ReadStream<Object> resume() {
            paused = false;
            resumes++;
            return this;
        }

        @Override
        public ReadStream<Object> fetch(long amount) {
            return this;
        }

        @Override
        public ReadStream<Object> endHandler(Handler<Void> endHandler) {
            return this;
        }
    }

    private final FakeSocket socket = new FakeSocket();
    private final List<String> toRoom = new ArrayList<>();
    private final RoomInflow inflow = new RoomInflow(socket, m -> toRoom.add(m.getString("text")));

    private static JsonObject message(int i) {
        return new JsonObject().put("type", "danmaku").put("text", "m" + i);
    }

    @Test
    void eightGoToTheRoomThenTheSocketIsPausedAndTheRestWaitInOrder() {
        for (int i = 0; i < 8; i++) {
            assertThat(inflow.offer(message(i), 30)).isTrue();
        }
        assertThat(toRoom).hasSize(RoomInflow.MAX_IN_FLIGHT);
        assertThat(socket.paused).as("not read while eight await the room").isTrue();
        assertThat(inflow.offer(message(8), 30)).as("decoded before the pause took effect").isTrue();
        assertThat(inflow.offer(message(9), 30)).isTrue();
        assertThat(toRoom).as("they wait").hasSize(8);

        inflow.answered();
        assertThat(toRoom).as("an answer lets the next waiting one go").endsWith("m8").hasSize(9);
        inflow.answered();
        assertThat(toRoom).endsWith("m9");
        assertThat(socket.paused).as("still eight awaiting the room").isTrue();
        inflow.answered();
        assertThat(socket.paused).as("room in the window, nothing waiting: read again").isFalse();
        assertThat(socket.resumes).isEqualTo(1);
    }

    @Test
    void pastTheWaitingBoundAMessageIsRefused() {
        for (int i = 0; i < 8; i++) {
            inflow.offer(message(i), 10);
        }
        assertThat(inflow.offer(message(8), RoomInflow.MAX_WAITING_CHARS)).as("exactly the bound").isTrue();
        assertThat(inflow.offer(message(9), 1)).as("one char past it").isFalse();
        assertThat(toRoom).hasSize(8);
    }

    @Test
    void aMemberClosingSendsNothingMoreAndAPausedSocketIsReadOnceClosed() {
        for (int i = 0; i < 10; i++) {
            inflow.offer(message(i), 10);
        }
        inflow.answeredWhileClosing();
        inflow.answeredWhileClosing();
        assertThat(toRoom).as("what waited is dropped").hasSize(8);
        assertThat(socket.paused).isTrue();
        inflow.closed();
        assertThat(socket.paused).as("frames Vert.x holds for a paused socket are released by reading them").isFalse();
    }
}
