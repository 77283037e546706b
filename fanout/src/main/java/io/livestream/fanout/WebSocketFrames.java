package io.livestream.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Server-to-client WebSocket frame headers (RFC 6455 section 5.2: FIN, opcode, payload length;
 * a server never masks), so that a tag's frame is encoded once and the same bytes go to every
 * WebSocket viewer.
 */
final class WebSocketFrames {
    /** The longest header: 2 bytes and a 64-bit extended payload length. */
    static final int MAX_HEADER = 10;
    private static final int FIN_BINARY = 0x82;

    private WebSocketFrames() {
    }

    static int headerSize(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : MAX_HEADER;
    }

    /** Writes the header of a final binary frame carrying {@code payloadLength} bytes at {@code index}. */
    static void setBinaryHeader(ByteBuf out, int index, int payloadLength) {
        out.setByte(index, FIN_BINARY);
        if (payloadLength < 126) {
            out.setByte(index + 1, payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            out.setByte(index + 1, 126);
            out.setShort(index + 2, payloadLength);
        } else {
            out.setByte(index + 1, 127);
            out.setLong(index + 2, payloadLength);
        }
    }

    /** A whole binary frame around {@code payload} (a copy: for the few per-viewer messages). */
    static ByteBuf binaryFrame(ByteBuf payload) {
        int length = payload.readableBytes();
        int header = headerSize(length);
        ByteBuf frame = Unpooled.directBuffer(header + length);
        setBinaryHeader(frame, 0, length);
        frame.writerIndex(header);
        frame.writeBytes(payload, payload.readerIndex(), length);
        return frame;
    }
}
