package io.livestream.media.rtmp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What both sides of the RTMP handshake share (RTMP spec 5.2, plus the "digest" handshake of
 * Flash Player and FMS that ffmpeg and OBS send: C1/S1 carry an HMAC-SHA256 digest at an offset
 * derived from the packet itself, and S2 proves the server saw C1's digest).
 */
public final class Handshake {
    public static final int VERSION = 3;
    /** C1, S1, C2, S2 (spec 5.2.3). */
    public static final int PACKET_SIZE = 1536;
    static final int DIGEST_SIZE = 32;

    private static final byte[] KEY_TAIL = {
            (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
            (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
            (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
            (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE};
    /** "Genuine Adobe Flash Player 001" + tail: the first 30 bytes sign C1. */
    static final byte[] PLAYER_KEY = concat("Genuine Adobe Flash Player 001".getBytes(), KEY_TAIL);
    static final int PLAYER_KEY_SHORT = 30;
    /** "Genuine Adobe Flash Media Server 001" + tail: the first 36 bytes sign S1, all 68 make S2's key. */
    static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001".getBytes(), KEY_TAIL);
    static final int SERVER_KEY_SHORT = 36;

    static final SecureRandom RANDOM = new SecureRandom();

    /** Where the digest sits: schema 1 derives it from bytes 8-11, schema 0 from bytes 772-775. */
    public enum Schema {
        SCHEMA_1(8, 12), SCHEMA_0(772, 776);

        final int offsetBytes;
        final int base;

        Schema(int offsetBytes, int base) {
            this.offsetBytes = offsetBytes;
            this.base = base;
        }

        int digestOffset(byte[] packet) {
            int sum = (packet[offsetBytes] & 0xff) + (packet[offsetBytes + 1] & 0xff)
                    + (packet[offsetBytes + 2] & 0xff) + (packet[offsetBytes + 3] & 0xff);
            return sum % 728 + base;
        }
    }

    private Handshake() {
    }

    /** HMAC-SHA256 of the packet without its 32 digest bytes at {@code offset}. */
    static byte[] digestAt(byte[] packet, int offset, byte[] key, int keyLength) {
        byte[] message = new byte[PACKET_SIZE - DIGEST_SIZE];
        System.arraycopy(packet, 0, message, 0, offset);
        System.arraycopy(packet, offset + DIGEST_SIZE, message, offset, PACKET_SIZE - offset - DIGEST_SIZE);
        return hmac(Arrays.copyOf(key, keyLength), message);
    }

    /** The schema whose digest validates with {@code key}, or null (a plain handshake). */
    static Schema findDigest(byte[] packet, byte[] key, int keyLength) {
        for (Schema schema : new Schema[] {Schema.SCHEMA_1, Schema.SCHEMA_0}) {
            int offset = schema.digestOffset(packet);
            byte[] expected = digestAt(packet, offset, key, keyLength);
            if (Arrays.equals(expected, 0, DIGEST_SIZE, packet, offset, offset + DIGEST_SIZE)) {
                return schema;
            }
        }
        return null;
    }

    /** Writes the digest of {@code packet} into it at the schema's offset. */
    static void sign(byte[] packet, Schema schema, byte[] key, int keyLength) {
        int offset = schema.digestOffset(packet);
        System.arraycopy(digestAt(packet, offset, key, keyLength), 0, packet, offset, DIGEST_SIZE);
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] randomPacket(int time, byte[] version) {
        byte[] p = new byte[PACKET_SIZE];
        RANDOM.nextBytes(p);
        p[0] = (byte) (time >>> 24);
        p[1] = (byte) (time >>> 16);
        p[2] = (byte) (time >>> 8);
        p[3] = (byte) time;
        System.arraycopy(version, 0, p, 4, 4);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
