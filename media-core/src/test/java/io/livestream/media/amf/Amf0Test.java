package io.livestream.media.amf;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Golden bytes per AMF0 type (AMF0 spec section 2), both directions. */
class Amf0Test {
    private static final HexFormat HEX = HexFormat.of();

    private static Object decodeHex(String hex) {
        return Amf0.decode(Unpooled.wrappedBuffer(HEX.parseHex(hex)));
    }

    private static String encodeHex(Object value) {
        return HEX.formatHex(Amf0.encodeAll(value));
    }

    @Test
    void numberIsMarkerThenBigEndianDouble() {
        assertThat(encodeHex(1.5)).isEqualTo("003ff8000000000000");
        assertThat(encodeHex(3)).as("integers are numbers").isEqualTo("004008000000000000");
        assertThat(decodeHex("003ff8000000000000")).isEqualTo(1.5);
    }

    @Test
    void booleanIsOneByte() {
        assertThat(encodeHex(true)).isEqualTo("0101");
        assertThat(encodeHex(false)).isEqualTo("0100");
        assertThat(decodeHex("0101")).isEqualTo(true);
    }

    @Test
    void stringHasSixteenBitLength() {
        assertThat(encodeHex("live")).isEqualTo("0200046c697665");
        assertThat(decodeHex("0200046c697665")).isEqualTo("live");
        assertThat(decodeHex("0200026869")).isEqualTo("hi");
    }

    @Test
    void stringOver65535BytesIsALongString() {
        String big = "x".repeat(70_000);
        byte[] bytes = Amf0.encodeAll(big);
        assertThat(bytes[0]).isEqualTo((byte) 0x0C);
        assertThat(HEX.formatHex(bytes, 1, 5)).isEqualTo("00011170");
        assertThat(Amf0.decode(Unpooled.wrappedBuffer(bytes))).isEqualTo(big);
    }

    @Test
    void objectIsPropertiesThenEndMarker() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("app", "live");
        o.put("n", 1.0);
        String hex = "03" + "0003617070" + "0200046c697665" + "00016e" + "003ff0000000000000" + "000009";
        assertThat(encodeHex(o)).isEqualTo(hex);
        assertThat(decodeHex(hex)).isEqualTo(o);
    }

    @Test
    void nestedObjectsRoundTrip() {
        Map<String, Object> inner = Map.of("level", "status");
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("info", inner);
        outer.put("list", List.of(1.0, "a"));
        assertThat(Amf0.decode(Unpooled.wrappedBuffer(Amf0.encodeAll(outer)))).isEqualTo(outer);
    }

    @Test
    void ecmaArrayCarriesACountThenProperties() {
        Amf0.EcmaArray a = new Amf0.EcmaArray(Map.of("width", 1280.0));
        String hex = "08" + "00000001" + "00057769647468" + "004094000000000000" + "000009";
        assertThat(encodeHex(a)).isEqualTo(hex);
        Object decoded = decodeHex(hex);
        assertThat(decoded).isInstanceOf(Amf0.EcmaArray.class);
        assertThat(Amf0.property(decoded, "width")).isEqualTo(1280.0);
    }

    @Test
    void strictArrayIsCountThenValues() {
        String hex = "0a" + "00000002" + "003ff0000000000000" + "0101";
        assertThat(encodeHex(List.of(1.0, true))).isEqualTo(hex);
        assertThat(decodeHex(hex)).isEqualTo(List.of(1.0, true));
    }

    @Test
    void dateIsMillisThenTimezone() {
        String hex = "0b" + "4271f6def1900000" + "0000";
        assertThat(encodeHex(new Amf0.Date(1.2345e12, 0))).isEqualTo(hex);
        assertThat(decodeHex(hex)).isEqualTo(new Amf0.Date(1.2345e12, 0));
    }

    @Test
    void nullAndUndefinedAreMarkersOnly() {
        assertThat(encodeHex(Amf0.NULL)).isEqualTo("05");
        assertThat(encodeHex(null)).isEqualTo("05");
        assertThat(encodeHex(Amf0.UNDEFINED)).isEqualTo("06");
        assertThat(decodeHex("05")).isSameAs(Amf0.NULL);
        assertThat(decodeHex("06")).isSameAs(Amf0.UNDEFINED);
    }

    @Test
    void decodeAllReadsACommand() {
        byte[] bytes = Amf0.encodeAll("connect", 1.0, Map.of("app", "live"));
        assertThat(Amf0.decodeAll(Unpooled.wrappedBuffer(bytes))).containsExactly("connect", 1.0, Map.of("app", "live"));
    }

    @Test
    void truncatedInputIsRejected() {
        assertThatThrownBy(() -> decodeHex("003ff8")).isInstanceOf(Amf0Exception.class);
        assertThatThrownBy(() -> decodeHex("0200ff6869")).isInstanceOf(Amf0Exception.class);
        assertThatThrownBy(() -> decodeHex("03000361")).isInstanceOf(Amf0Exception.class);
    }

    @Test
    void hugeDeclaredLengthsAreRejectedBeforeAllocating() {
        assertThatThrownBy(() -> decodeHex("0cffffffff41")).isInstanceOf(Amf0Exception.class);
        assertThatThrownBy(() -> decodeHex("0a7fffffff05")).isInstanceOf(Amf0Exception.class);
    }

    @Test
    void nestingIsBounded() {
        String deep = "0a00000001".repeat(200) + "05";
        assertThatThrownBy(() -> decodeHex(deep)).isInstanceOf(Amf0Exception.class).hasMessageContaining("nested");
    }

    @Test
    void unknownMarkerIsRejected() {
        assertThatThrownBy(() -> decodeHex("0d")).isInstanceOf(Amf0Exception.class);
        assertThatThrownBy(() -> decodeHex("0700")).isInstanceOf(Amf0Exception.class);
    }

    @Test
    void objectWithoutEndMarkerIsRejected() {
        assertThatThrownBy(() -> decodeHex("03000005")).isInstanceOf(Amf0Exception.class);
    }
}
