package io.sightline.storage.query;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parsing and encoding of client addresses as 16-byte values. */
public final class IpRanges {
    private IpRanges() {
    }

    static IpRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("clientIp must not be empty");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = toBytes(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("clientIp is not an IP address or CIDR block: " + text);
        }
        boolean v4 = addr.indexOf(':') < 0;
        int prefix = 128;
        if (slash >= 0) {
            int p;
            try {
                p = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("clientIp has a bad prefix length: " + text);
            }
            int max = v4 ? 32 : 128;
            if (p < 0 || p > max) {
                throw new IllegalArgumentException("clientIp prefix length must be 0.." + max + ": " + text);
            }
            prefix = v4 ? p + 96 : p;
        }
        byte[] low = bytes.clone();
        byte[] high = bytes.clone();
        for (int bit = prefix; bit < 128; bit++) {
            int i = bit / 8;
            int mask = 0x80 >>> (bit % 8);
            low[i] = (byte) (low[i] & ~mask);
            high[i] = (byte) (high[i] | mask);
        }
        return new IpRange(s, low, high);
    }

    /**
     * An address literal as 16 bytes (IPv4 mapped into IPv6), or null when {@code addr} is not a
     * literal. Never resolves a host name.
     */
    public static byte[] toBytes(String addr) {
        if (addr == null || addr.isEmpty() || addr.length() > 45) {
            return null;
        }
        boolean v6 = addr.indexOf(':') >= 0;
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.'
                    || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return null;
            }
        }
        if (!v6) {
            int dots = 0;
            for (int i = 0; i < addr.length(); i++) {
                if (addr.charAt(i) == '.') {
                    dots++;
                }
            }
            if (dots != 3) {
                return null;
            }
            byte[] fast = canonicalV4(addr);
            if (fast != null) {
                return fast;
            }
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr);
        } catch (UnknownHostException e) {
            return null;
        }
        byte[] raw = a.getAddress();
        if (a instanceof Inet4Address) {
            byte[] out = new byte[16];
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(raw, 0, out, 12, 4);
            return out;
        }
        return raw;
    }

    /**
     * A dotted-quad in canonical form (four decimal octets up to 255, no leading zeros) as 16
     * bytes, without going through InetAddress (one per stored span); null for anything else,
     * which then takes the general path.
     */
    private static byte[] canonicalV4(String addr) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= addr.length(); i++) {
            char c = i == addr.length() ? '.' : addr.charAt(i);
            if (c == '.') {
                if (digits == 0 || octet > 3) {
                    return null;
                }
                out[12 + octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                if (c < '0' || c > '9' || (digits == 1 && value == 0)) {
                    return null; // not a digit, or a leading zero
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            }
        }
        return octet == 4 ? out : null;
    }
}
