package io.sightline.storage.query;

/**
 * An exact IPv4/IPv6 address or a CIDR block, as an inclusive range of 16-byte addresses
 * (IPv4 as IPv4-mapped IPv6), which is how the trace index stores client addresses.
 */
public record IpRange(String text, byte[] low, byte[] high) {

    /** Parses "10.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32"; throws IllegalArgumentException. */
    public static IpRange parse(String text) {
        return IpRanges.parse(text);
    }
}
