package io.sightline.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

class AgentClassLoaderTest {
    private static final byte[] DATA = new byte[20000];

    static {
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = (byte) (i * 31);
        }
    }

    @Test
    void readsAnEntryOfTheStatedSize() throws IOException {
        assertArrayEquals(DATA, AgentClassLoader.readAll(trickle(DATA), DATA.length));
    }

    @Test
    void readsAllWhenTheSizeIsUnknownOrWrong() throws IOException {
        assertArrayEquals(DATA, AgentClassLoader.readAll(trickle(DATA), -1));
        assertArrayEquals(DATA, AgentClassLoader.readAll(trickle(DATA), 100));
        assertArrayEquals(DATA, AgentClassLoader.readAll(trickle(DATA), 0));
        assertArrayEquals(DATA, AgentClassLoader.readAll(trickle(DATA), DATA.length + 50));
    }

    /** A stream that hands out at most 1000 bytes per read, as an inflater may. */
    private static InputStream trickle(byte[] data) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }
}
