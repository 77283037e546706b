package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The server side of the handshake: reads C0+C1, writes S0+S1+S2, reads C2. A C1 that carries
 * a valid Flash Player digest gets the FMS digest answer; any other C1 gets the plain one
 * (S2 echoes C1).
 */
public final class HandshakeServer {
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};
    private static final byte[] PLAIN_VERSION = {0, 0, 0, 0};

    private enum State { C0_C1, C2, DONE }

    private final long startNanos = System.nanoTime();
    private State state = State.C0_C1;
    private Handshake.Schema schema;

    /**
     * Consumes what it can; writes the answer to {@code out}. Returns true once C2 has been read;
     * bytes after C2 stay in {@code in}.
     */
    public boolean feed(ByteBuf in, ByteBuf out) {
        if (state == State.C0_C1) {
            if (in.readableBytes() >= 1) {
                int version = in.getUnsignedByte(in.readerIndex());
                if (version != Handshake.VERSION) {
                    throw new RtmpProtocolException("bad-handshake", "C0 asks for RTMP version " + version + ", not 3");
                }
            }
            if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
                return false;
            }
            in.skipBytes(1);
            byte[] c1 = new byte[Handshake.PACKET_SIZE];
            in.readBytes(c1);
            answer(c1, out);
            state = State.C2;
        }
        if (state == State.C2) {
            if (in.readableBytes() < Handshake.PACKET_SIZE) {
                return false;
            }
            in.skipBytes(Handshake.PACKET_SIZE); // C2 echoes S1; nothing to check that matters
            state = State.DONE;
        }
        return true;
    }

    /** The digest schema the client used, or null for a plain handshake. */
    public Handshake.Schema schema() {
        return schema;
    }

    private void answer(byte[] c1, ByteBuf out) {
        boolean versioned = c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0;
        schema = versioned ? Handshake.findDigest(c1, Handshake.PLAYER_KEY, Handshake.PLAYER_KEY_SHORT) : null;
        int time = (int) ((System.nanoTime() - startNanos) / 1_000_000);
        out.writeByte(Handshake.VERSION);
        if (schema == null) {
            out.writeBytes(Handshake.randomPacket(time, PLAIN_VERSION));
            out.writeBytes(c1);
            return;
        }
        byte[] s1 = Handshake.randomPacket(time, SERVER_VERSION);
        Handshake.sign(s1, schema, Handshake.SERVER_KEY, Handshake.SERVER_KEY_SHORT);
        out.writeBytes(s1);
        out.writeBytes(s2For(c1, schema));
    }

    /** S2: random bytes whose last 32 are HMAC(HMAC(full FMS key, C1 digest), the rest). */
    static byte[] s2For(byte[] c1, Handshake.Schema schema) {
        int offset = schema.digestOffset(c1);
        byte[] c1Digest = Arrays.copyOfRange(c1, offset, offset + Handshake.DIGEST_SIZE);
        byte[] key = Handshake.hmac(Handshake.SERVER_KEY, c1Digest);
        byte[] s2 = Handshake.randomPacket(0, PLAIN_VERSION);
        byte[] signature = Handshake.hmac(key, Arrays.copyOf(s2, Handshake.PACKET_SIZE - Handshake.DIGEST_SIZE));
        System.arraycopy(signature, 0, s2, Handshake.PACKET_SIZE - Handshake.DIGEST_SIZE, Handshake.DIGEST_SIZE);
        return s2;
    }
}
