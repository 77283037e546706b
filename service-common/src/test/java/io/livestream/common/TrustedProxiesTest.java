package io.livestream.common;

import io.livestream.common.net.TrustedProxies;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {
    private static final TrustedProxies INGRESS = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");
    private static final List<String> NONE = List.of();

    private static String viaXff(TrustedProxies proxies, String peer, String... headers) {
        return proxies.clientAddress(peer, List.of(headers), NONE);
    }

    private static String viaForwarded(TrustedProxies proxies, String peer, String... headers) {
        return proxies.clientAddress(peer, NONE, List.of(headers));
    }

    @Test
    void cidrsMatchByPrefixForIpv4AndIpv6() {
        assertThat(INGRESS.trusts("10.200.3.4")).isTrue();
        assertThat(INGRESS.trusts("11.0.0.1")).isFalse();
        assertThat(INGRESS.trusts("192.168.1.7")).as("a bare address is a range of one").isTrue();
        assertThat(INGRESS.trusts("192.168.1.8")).isFalse();
        assertThat(INGRESS.trusts("fd12:3456::1")).isTrue();
        assertThat(INGRESS.trusts("fe80::1")).isFalse();
        assertThat(INGRESS.trusts("::ffff:10.1.2.3")).as("IPv4-mapped IPv6 is the IPv4 address").isTrue();
        TrustedProxies odd = TrustedProxies.parse("172.16.0.0/12,2001:db8::/33");
        assertThat(odd.trusts("172.31.255.255")).isTrue();
        assertThat(odd.trusts("172.32.0.0")).isFalse();
        assertThat(odd.trusts("2001:db8:7fff::1")).isTrue();
        assertThat(odd.trusts("2001:db8:8000::1")).isFalse();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("203.0.113.9")).isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("2001:db8::1")).as("an IPv4 range holds no IPv6 address").isFalse();
    }

    @Test
    void emptyTrustsNoOne() {
        assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
        assertThat(TrustedProxies.parse(null).isEmpty()).isTrue();
        assertThat(viaXff(TrustedProxies.parse(""), "127.0.0.1", "198.51.100.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void badCidrsAreRefusedByName() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, ingress.local"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ingress.local");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> TrustedProxies.parse("fd00::/129")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.256/8")).hasMessageContaining("not a CIDR");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0/8")).hasMessageContaining("not a CIDR");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverTheHeadersSay() {
        assertThat(viaXff(INGRESS, "203.0.113.5", "198.51.100.1")).isEqualTo("203.0.113.5");
        assertThat(viaForwarded(INGRESS, "203.0.113.5", "for=198.51.100.1")).isEqualTo("203.0.113.5");
    }

    @Test
    void behindATrustedPeerTheRightMostUntrustedForwardedAddressIsTheClient() {
        assertThat(viaXff(INGRESS, "10.0.0.2", "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "10.0.0.2", "198.51.100.1, 10.1.1.1")).as("a trusted hop is skipped").isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "10.0.0.2", "6.6.6.6, 198.51.100.1")).as("what the client wrote to the left is ignored")
                .isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "10.0.0.2", "6.6.6.6", "198.51.100.1, 10.9.9.9")).as("several header lines are one list")
                .isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "10.0.0.2", "2001:DB8::0:1")).as("IPv6, in Java's form").isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(viaXff(INGRESS, "10.0.0.2", "198.51.100.1:5000")).as("a port is dropped").isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "fd00::2", "198.51.100.1")).as("an IPv6 proxy").isEqualTo("198.51.100.1");
        assertThat(viaXff(INGRESS, "10.0.0.2")).as("no header: the proxy itself").isEqualTo("10.0.0.2");
        assertThat(viaXff(INGRESS, "10.0.0.2", "10.3.3.3, 10.4.4.4")).as("every hop trusted: the first").isEqualTo("10.3.3.3");
    }

    @Test
    void aHopThatIsNotAnAddressEndsTheWalkAtThePeer() {
        assertThat(viaXff(INGRESS, "10.0.0.2", "198.51.100.1, unknown")).isEqualTo("10.0.0.2");
        assertThat(viaXff(INGRESS, "10.0.0.2", "evil.example.com")).as("names are never looked up").isEqualTo("10.0.0.2");
        assertThat(viaXff(INGRESS, "10.0.0.2", "")).isEqualTo("10.0.0.2");
    }

    @Test
    void forwardedHeaderPerRfc7239() {
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=192.0.2.60;proto=http;by=203.0.113.43")).isEqualTo("192.0.2.60");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=\"[2001:db8:cafe::17]:4711\"")).isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=\"192.0.2.43:47011\"")).isEqualTo("192.0.2.43");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=192.0.2.43, for=198.51.100.17;by=10.0.0.2")).isEqualTo("198.51.100.17");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "For=\"[2001:db8::1]\", for=10.1.2.3")).as("a trusted hop, case-insensitive name")
                .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=192.0.2.43", "for=198.51.100.17")).isEqualTo("198.51.100.17");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=unknown")).isEqualTo("10.0.0.2");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=_hidden")).isEqualTo("10.0.0.2");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "proto=https")).as("an element without for=").isEqualTo("10.0.0.2");
        assertThat(viaForwarded(INGRESS, "10.0.0.2", "for=\"a;b,c\";proto=http, for=192.0.2.9")).as("separators inside quotes")
                .isEqualTo("192.0.2.9");
    }

    @Test
    void xForwardedForWinsOverForwarded() {
        assertThat(INGRESS.clientAddress("10.0.0.2", List.of("198.51.100.1"), List.of("for=192.0.2.1"))).isEqualTo("198.51.100.1");
    }

    @Test
    void loopbackLiterals() {
        assertThat(TrustedProxies.isLoopback("127.0.0.1")).isTrue();
        assertThat(TrustedProxies.isLoopback("127.8.0.1")).isTrue();
        assertThat(TrustedProxies.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(TrustedProxies.isLoopback("::1")).isTrue();
        assertThat(TrustedProxies.isLoopback("10.0.0.1")).isFalse();
        assertThat(TrustedProxies.isLoopback("localhost")).isFalse();
    }
}
