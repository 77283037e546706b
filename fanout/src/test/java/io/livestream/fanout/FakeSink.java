package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/** Captures what a viewer writes; the test decides when its queue is full. */
public class FakeSink implements ViewerSink {
    public final List<Buffer> written = new ArrayList<>();
    public final List<TagWindow> windows = new ArrayList<>();
    public int flushes;
    public long lastFlushNanos;
    public boolean full;
    public Runnable drain = () -> { };
    public CloseReason closedWith;

    @Override
    public void write(Buffer data) {
        written.add(data);
    }

    @Override
    public void write(TagWindow window) {
        windows.add(window);
        written.add(window.flvBytes());
    }

    @Override
    public void flush() {
        flushes++;
        lastFlushNanos = System.nanoTime();
    }

    @Override
    public boolean writeQueueFull() {
        return full;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
        drain = onDrain;
    }

    @Override
    public void closeHandler(Runnable onClose) {
    }

    @Override
    public void close(CloseReason reason) {
        closedWith = reason;
    }

    @Override
    public boolean isClosed() {
        return closedWith != null;
    }

    @Override
    public String describe() {
        return "fake";
    }
}
