package io.sightline.storage.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dotted-quad fast path of {@link IpRanges#toBytes} gives exactly what InetAddress gives, and refuses the same. */
class IpRangesToBytesTest {

    /** What toBytes answered before the fast path: InetAddress for every literal. */
    private static byte[] viaInetAddress(String addr) throws Exception {
        byte[] raw = InetAddress.getByName(addr).getAddress();
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
    }

    @Test
    void canonicalAddressesMatchInetAddress() throws Exception {
        List<String> addrs = new ArrayList<>(List.of("0.0.0.0", "255.255.255.255", "10.0.0.7", "127.0.0.1", "1.2.3.4",
                "192.168.100.200", "8.8.8.8", "100.64.0.1"));
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            addrs.add(r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256));
        }
        for (String a : addrs) {
            assertThat(InetAddress.getByName(a)).isInstanceOf(Inet4Address.class);
            assertThat(IpRanges.toBytes(a)).as(a).containsExactly(viaInetAddress(a));
        }
    }

    @Test
    void nonCanonicalFormsTakeTheGeneralPathAndBadOnesAreRefused() throws Exception {
        assertThat(IpRanges.toBytes("256.1.1.1")).isNull();
        assertThat(IpRanges.toBytes("1.2.3.1000")).isNull();
        assertThat(IpRanges.toBytes("1..2.3")).isNull();
        assertThat(IpRanges.toBytes("1.2.3.")).isNull();
        assertThat(IpRanges.toBytes(".1.2.3")).isNull();
        assertThat(IpRanges.toBytes("1.2.3")).isNull();
        assertThat(IpRanges.toBytes("1.2.3.4.5")).isNull();
        assertThat(IpRanges.toBytes("a.b.c.d")).isNull();
        assertThat(IpRanges.toBytes("")).isNull();
        // leading zeros are not canonical: whatever InetAddress makes of them, toBytes agrees
        for (String a : List.of("010.0.0.1", "1.02.3.4")) {
            byte[] expected;
            try {
                expected = viaInetAddress(a);
            } catch (java.net.UnknownHostException e) {
                expected = null;
            }
            assertThat(IpRanges.toBytes(a)).as(a).isEqualTo(expected);
        }
        assertThat(IpRanges.toBytes("::1")).containsExactly(InetAddress.getByName("::1").getAddress());
    }
}
