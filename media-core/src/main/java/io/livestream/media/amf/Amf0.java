package io.livestream.media.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 (Adobe AMF0 specification, section 2) as RTMP commands and FLV script tags use it.
 * Values: {@link Number} (number), {@link Boolean}, {@link String} (string or long string),
 * {@code Map<String,Object>} (object), {@link EcmaArray}, {@code List} (strict array),
 * {@link Date}, {@link #NULL} and {@link #UNDEFINED}. Decoding checks every length against the
 * bytes available before allocating, and bounds nesting.
 */
public final class Amf0 {
    /** 2.1-2.12 type markers used here. */
    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int NULL_MARKER = 0x05;
    static final int UNDEFINED_MARKER = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;

    private static final int MAX_DEPTH = 64;

    /** The AMF0 null and undefined values. */
    public enum Marker { NULL, UNDEFINED }

    public static final Marker NULL = Marker.NULL;
    public static final Marker UNDEFINED = Marker.UNDEFINED;

    /** 2.10: an associative array; decoded in order. */
    public record EcmaArray(LinkedHashMap<String, Object> properties) {
        public EcmaArray(Map<String, ?> properties) {
            this(new LinkedHashMap<>(properties));
        }

        public Object get(String key) {
            return properties.get(key);
        }
    }

    /** 2.13: milliseconds since the epoch and a time zone (reserved, 0). */
    public record Date(double epochMillis, int timezone) {
    }

    private Amf0() {
    }

    public static Object decode(ByteBuf in) {
        return decode(in, 0);
    }

    /** Every value up to the end of {@code in}. */
    public static List<Object> decodeAll(ByteBuf in) {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(decode(in, 0));
        }
        return values;
    }

    public static void encode(ByteBuf out, Object value) {
        encode(out, value, 0);
    }

    public static byte[] encodeAll(Object... values) {
        ByteBuf out = Unpooled.buffer();
        for (Object v : values) {
            encode(out, v, 0);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** A property of an object or ECMA array, or null. */
    public static Object property(Object mapLike, String key) {
        if (mapLike instanceof Map<?, ?> m) {
            return m.get(key);
        }
        if (mapLike instanceof EcmaArray a) {
            return a.get(key);
        }
        return null;
    }

    private static Object decode(ByteBuf in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Amf0Exception("nested deeper than " + MAX_DEPTH);
        }
        need(in, 1);
        int marker = in.readUnsignedByte();
        switch (marker) {
            case NUMBER:
                need(in, 8);
                return in.readDouble();
            case BOOLEAN:
                need(in, 1);
                return in.readByte() != 0;
            case STRING:
                need(in, 2);
                return utf8(in, in.readUnsignedShort());
            case LONG_STRING:
                need(in, 4);
                return utf8(in, in.readUnsignedInt());
            case OBJECT:
                return readProperties(in, depth, new LinkedHashMap<>());
            case ECMA_ARRAY:
                need(in, 4);
                in.skipBytes(4); // associative-count: a hint only; the object end marker terminates
                return new EcmaArray(readProperties(in, depth, new LinkedHashMap<>()));
            case STRICT_ARRAY: {
                need(in, 4);
                long count = in.readUnsignedInt();
                if (count > in.readableBytes()) { // every value takes at least one byte
                    throw new Amf0Exception("strict array of " + count + " values in " + in.readableBytes() + " bytes");
                }
                List<Object> list = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) {
                    list.add(decode(in, depth + 1));
                }
                return list;
            }
            case DATE:
                need(in, 10);
                return new Date(in.readDouble(), in.readShort());
            case NULL_MARKER:
                return NULL;
            case UNDEFINED_MARKER:
                return UNDEFINED;
            case REFERENCE:
                throw new Amf0Exception("AMF0 references are not supported");
            default:
                throw new Amf0Exception("unknown AMF0 type marker 0x" + Integer.toHexString(marker));
        }
    }

    /** 2.5: name/value pairs until an empty name followed by the object end marker. */
    private static LinkedHashMap<String, Object> readProperties(ByteBuf in, int depth, LinkedHashMap<String, Object> into) {
        while (true) {
            need(in, 2);
            String key = utf8(in, in.readUnsignedShort());
            if (key.isEmpty()) {
                need(in, 1);
                int end = in.readUnsignedByte();
                if (end != OBJECT_END) {
                    throw new Amf0Exception("empty property name not followed by the object end marker");
                }
                return into;
            }
            into.put(key, decode(in, depth + 1));
        }
    }

    private static String utf8(ByteBuf in, long length) {
        need(in, length);
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }

    private static void need(ByteBuf in, long bytes) {
        if (in.readableBytes() < bytes) {
            throw new Amf0Exception("truncated AMF0: need " + bytes + " bytes, " + in.readableBytes() + " left");
        }
    }

    private static void encode(ByteBuf out, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Amf0Exception("nested deeper than " + MAX_DEPTH);
        }
        if (value == null || value == NULL) {
            out.writeByte(NULL_MARKER);
        } else if (value == UNDEFINED) {
            out.writeByte(UNDEFINED_MARKER);
        } else if (value instanceof Number n) {
            out.writeByte(NUMBER).writeDouble(n.doubleValue());
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN).writeByte(b ? 1 : 0);
        } else if (value instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                out.writeByte(LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
            } else {
                out.writeByte(STRING).writeShort(bytes.length).writeBytes(bytes);
            }
        } else if (value instanceof EcmaArray a) {
            out.writeByte(ECMA_ARRAY).writeInt(a.properties().size());
            writeProperties(out, a.properties(), depth);
        } else if (value instanceof Map<?, ?> m) {
            out.writeByte(OBJECT);
            writeProperties(out, m, depth);
        } else if (value instanceof List<?> list) {
            out.writeByte(STRICT_ARRAY).writeInt(list.size());
            for (Object v : list) {
                encode(out, v, depth + 1);
            }
        } else if (value instanceof Date d) {
            out.writeByte(DATE).writeDouble(d.epochMillis()).writeShort(d.timezone());
        } else {
            throw new Amf0Exception("no AMF0 form for " + value.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> properties, int depth) {
        for (Map.Entry<?, ?> e : properties.entrySet()) {
            byte[] key = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || key.length > 0xFFFF) {
                throw new Amf0Exception("property name of " + key.length + " bytes");
            }
            out.writeShort(key.length).writeBytes(key);
            encode(out, e.getValue(), depth + 1);
        }
        out.writeShort(0).writeByte(OBJECT_END);
    }
}
