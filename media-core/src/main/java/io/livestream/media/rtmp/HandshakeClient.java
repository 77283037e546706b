package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;

/**
 * The client side of the handshake, as ffmpeg does it: C1 signed with the Flash Player key
 * (schema 1), C2 echoing S1.
 */
public final class HandshakeClient {
    private static final byte[] CLIENT_VERSION = {9, 0, 124, 2};

    private boolean started;
    private boolean done;

    /** Writes C0 and C1. */
    public void start(ByteBuf out) {
        byte[] c1 = Handshake.randomPacket(0, CLIENT_VERSION);
        Handshake.sign(c1, Handshake.Schema.SCHEMA_1, Handshake.PLAYER_KEY, Handshake.PLAYER_KEY_SHORT);
        out.writeByte(Handshake.VERSION);
        out.writeBytes(c1);
        started = true;
    }

    /** Consumes S0+S1+S2 once all there, writes C2; true when the handshake is complete. */
    public boolean feed(ByteBuf in, ByteBuf out) {
        if (!started) {
            throw new IllegalStateException("start() first");
        }
        if (done) {
            return true;
        }
        if (in.readableBytes() >= 1 && in.getUnsignedByte(in.readerIndex()) != Handshake.VERSION) {
            throw new RtmpProtocolException("bad-handshake", "S0 version " + in.getUnsignedByte(in.readerIndex()));
        }
        if (in.readableBytes() < 1 + 2 * Handshake.PACKET_SIZE) {
            return false;
        }
        in.skipBytes(1);
        byte[] s1 = new byte[Handshake.PACKET_SIZE];
        in.readBytes(s1);
        in.skipBytes(Handshake.PACKET_SIZE); // S2
        out.writeBytes(s1);
        done = true;
        return true;
    }
}
