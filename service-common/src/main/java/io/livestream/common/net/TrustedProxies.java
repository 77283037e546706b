package io.livestream.common.net;

import io.vertx.core.http.HttpServerRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which TCP peers are proxies whose {@code X-Forwarded-For} / {@code Forwarded: for=} headers are
 * believed (a list of CIDRs, {@code --trusted-proxies}), and so what a request's client address is:
 * for a peer inside them, the right-most forwarded address that is not itself trusted (the one the
 * first trusted proxy saw; what a client writes to the left of it is ignored); for any other peer,
 * the peer, whatever the headers say. Addresses are parsed as literals only, never looked up.
 * Immutable.
 */
public final class TrustedProxies {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** One CIDR: an address and how many of its leading bits a match shares. */
    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;
    private final String spec;

    private TrustedProxies(List<Range> ranges, String spec) {
        this.ranges = ranges;
        this.spec = spec;
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), "");
    }

    /**
     * Parses a comma-separated list of CIDRs ({@code 10.0.0.0/8, fd00::/8}); a bare address is a
     * range of one. Empty or null: no proxy is trusted.
     *
     * @throws IllegalArgumentException naming the entry that is not a CIDR
     */
    public static TrustedProxies parse(String cidrs) {
        if (cidrs == null || cidrs.isBlank()) {
            return none();
        }
        List<Range> ranges = new ArrayList<>();
        for (String entry : cidrs.split(",")) {
            String cidr = entry.strip();
            if (cidr.isEmpty()) {
                continue;
            }
            int slash = cidr.indexOf('/');
            byte[] network = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("not a CIDR: '" + cidr + "' (e.g. 10.0.0.0/8 or fd00::/8)");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(cidr.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in '" + cidr + "': 0-" + network.length * 8);
                }
            }
            ranges.add(new Range(network, bits));
        }
        return new TrustedProxies(List.copyOf(ranges), cidrs.strip());
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** True when {@code address} (a literal) lies in a trusted range. */
    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        return bytes != null && trusts(bytes);
    }

    /** The request's client address: see the class comment. "?" when the peer is unknown. */
    public String clientAddress(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (peer == null) {
            return "?";
        }
        return clientAddress(peer, request.headers().getAll("X-Forwarded-For"), request.headers().getAll("Forwarded"));
    }

    /**
     * The client address of a request from {@code peer} carrying these header values (each list
     * in the order the headers came; either may be empty): {@code X-Forwarded-For} when present,
     * else {@code Forwarded} (RFC 7239). An entry that is not an address ({@code unknown}, an
     * obfuscated name) ends the walk at the peer: a trusted proxy wrote it.
     */
    public String clientAddress(String peer, List<String> xForwardedFor, List<String> forwarded) {
        byte[] peerBytes = literal(peer);
        String normalPeer = peerBytes == null ? peer : normal(peerBytes);
        if (peerBytes == null || ranges.isEmpty() || !trusts(peerBytes)) {
            return normalPeer;
        }
        List<String> hops = !xForwardedFor.isEmpty() ? forwardedForList(xForwardedFor) : forwardedElements(forwarded);
        String leftmost = normalPeer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = literal(hops.get(i));
            if (hop == null) {
                return normalPeer;
            }
            if (!trusts(hop)) {
                return normal(hop);
            }
            leftmost = normal(hop);
        }
        return leftmost; // every hop is a trusted proxy: the first of them
    }

    /** Every address the forwarding headers name, left to right (whether or not the peer is trusted). */
    public static List<String> forwardedAddresses(HttpServerRequest request) {
        List<String> all = new ArrayList<>(forwardedForList(request.headers().getAll("X-Forwarded-For")));
        all.addAll(forwardedElements(request.headers().getAll("Forwarded")));
        return all;
    }

    /** True for a literal loopback address ({@code 127.0.0.0/8}, {@code ::1}). */
    public static boolean isLoopback(String address) {
        byte[] bytes = literal(address);
        return bytes != null && (bytes.length == 4 ? bytes[0] == 127 : normal(bytes).equals("0:0:0:0:0:0:0:1"));
    }

    private boolean trusts(byte[] address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code X-Forwarded-For: client, proxy1, proxy2}, over every header line. */
    static List<String> forwardedForList(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String hop : value.split(",")) {
                hops.add(stripPort(hop.strip()));
            }
        }
        return hops;
    }

    /**
     * The {@code for=} of each element of {@code Forwarded} (RFC 7239 section 4): elements are
     * separated by commas, pairs by semicolons; a value is a token or a quoted string, an IPv6
     * address is bracketed and quoted ({@code for="[2001:db8::1]:4711"}), a port may follow.
     * An element without {@code for=} counts as an unknown hop.
     */
    static List<String> forwardedElements(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String element : splitOutsideQuotes(value, ',')) {
                String hop = "unknown";
                for (String pair : splitOutsideQuotes(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
                        hop = unquote(pair.substring(eq + 1).strip());
                    }
                }
                hops.add(stripPort(hop));
            }
        }
        return hops;
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1).replace("\\", "") : v;
    }

    /** {@code 192.0.2.1:443} -> {@code 192.0.2.1}, {@code [2001:db8::1]:443} -> {@code 2001:db8::1}. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
    }

    /** The bytes of an IPv4 or IPv6 literal; null for anything else (names are never resolved). */
    static byte[] literal(String s) {
        if (s == null) {
            return null;
        }
        String a = s.strip();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone > 0 && a.indexOf(':') >= 0) {
            a = a.substring(0, zone); // an IPv6 scope (fe80::1%eth0): the same host for the limits
        }
        if (!IPV4.matcher(a).matches() && !IPV6.matcher(a).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String normal(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }

    @Override
    public String toString() {
        return spec.isEmpty() ? "none" : spec;
    }
}
