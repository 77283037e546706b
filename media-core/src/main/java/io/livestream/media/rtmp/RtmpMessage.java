package io.livestream.media.rtmp;

import java.util.List;

/**
 * One RTMP message, by type (RTMP spec 5.4 protocol control messages, 6.2 user control, 7.1
 * command/data/audio/video). Timestamps are absolute, in milliseconds (32 bits, unsigned).
 */
public sealed interface RtmpMessage {

    /** RTMP message type ids (spec 5.4, 7.1). */
    int TYPE_SET_CHUNK_SIZE = 1;
    int TYPE_ABORT = 2;
    int TYPE_ACKNOWLEDGEMENT = 3;
    int TYPE_USER_CONTROL = 4;
    int TYPE_WINDOW_ACK_SIZE = 5;
    int TYPE_SET_PEER_BANDWIDTH = 6;
    int TYPE_AUDIO = 8;
    int TYPE_VIDEO = 9;
    int TYPE_DATA_AMF0 = 18;
    int TYPE_COMMAND_AMF0 = 20;
    int TYPE_AGGREGATE = 22;

    int typeId();

    /** Message stream id: 0 for NetConnection and protocol control, the created stream id for NetStream. */
    default int streamId() {
        return 0;
    }

    default long timestamp() {
        return 0;
    }

    /** Spec 5.4.1. */
    record SetChunkSize(int size) implements RtmpMessage {
        public int typeId() { return TYPE_SET_CHUNK_SIZE; }
    }

    /** Spec 5.4.2. */
    record Abort(int chunkStreamId) implements RtmpMessage {
        public int typeId() { return TYPE_ABORT; }
    }

    /** Spec 5.4.3: the number of bytes received so far. */
    record Acknowledgement(long sequenceNumber) implements RtmpMessage {
        public int typeId() { return TYPE_ACKNOWLEDGEMENT; }
    }

    /** Spec 5.4.4. */
    record WindowAckSize(long size) implements RtmpMessage {
        public int typeId() { return TYPE_WINDOW_ACK_SIZE; }
    }

    /** Spec 5.4.5: limit type 0 hard, 1 soft, 2 dynamic. */
    record SetPeerBandwidth(long size, int limitType) implements RtmpMessage {
        public int typeId() { return TYPE_SET_PEER_BANDWIDTH; }
    }

    /**
     * Spec 6.2 / 7.1.7 user control event. {@code value} is the stream id or the ping timestamp;
     * {@code value2} is the buffer length of SetBufferLength (event 3) and 0 otherwise.
     */
    record UserControl(int eventType, long value, long value2) implements RtmpMessage {
        public static final int STREAM_BEGIN = 0;
        public static final int STREAM_EOF = 1;
        public static final int STREAM_DRY = 2;
        public static final int SET_BUFFER_LENGTH = 3;
        public static final int STREAM_IS_RECORDED = 4;
        public static final int PING_REQUEST = 6;
        public static final int PING_RESPONSE = 7;

        public int typeId() { return TYPE_USER_CONTROL; }
    }

    /** Audio data (type 8): the payload is an FLV audio tag body. */
    record Audio(long timestamp, int streamId, byte[] payload) implements RtmpMessage {
        public int typeId() { return TYPE_AUDIO; }
    }

    /** Video data (type 9): the payload is an FLV video tag body. */
    record Video(long timestamp, int streamId, byte[] payload) implements RtmpMessage {
        public int typeId() { return TYPE_VIDEO; }
    }

    /** AMF0 data message (type 18), e.g. {@code @setDataFrame, onMetaData, {...}}. */
    record Data(long timestamp, int streamId, List<Object> values) implements RtmpMessage {
        public int typeId() { return TYPE_DATA_AMF0; }
    }

    /**
     * AMF0 command (type 20, spec 7.2): name, transaction id, then the command object and
     * optional arguments in {@code args} (the command object first, {@code Amf0.NULL} when absent).
     */
    record Command(int streamId, String name, double transactionId, List<Object> args) implements RtmpMessage {
        public int typeId() { return TYPE_COMMAND_AMF0; }
    }

    /** Any other type (aggregate, AMF3, shared object): kept raw, so a caller can log or skip it. */
    record Unknown(int typeId, long timestamp, int streamId, byte[] payload) implements RtmpMessage {
    }
}
