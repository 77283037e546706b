package io.livestream.ingest;

import io.livestream.media.MediaPacket;

/** What sees a publishing session's packets besides the event bus, in their order (clock cue points too), and its end: its recording. */
interface SessionTap {
    SessionTap NONE = new SessionTap() {
        @Override
        public void packet(MediaPacket packet) {
        }

        @Override
        public void ended() {
        }
    };

    void packet(MediaPacket packet);

    void ended();
}
