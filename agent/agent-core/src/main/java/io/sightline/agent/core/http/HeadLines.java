package io.sightline.agent.core.http;

import java.io.PrintStream;

/**
 * Writes the leading lines of an HttpURLConnection request head, up to and including the
 * agent's trace headers, as bytes, in place of the JDK's MessageHeader.print, which builds a
 * StringBuilder, a concatenation and a String for every line (about 550 bytes for traceparent
 * and 340 for sightline-parent per call). The JDK still prints every other line, and the blank
 * line that ends the head.
 *
 * <p>It takes over only the plain case, where its bytes are provably the JDK's: line 0 is a
 * request line ({@code "GET /p HTTP/1.1"}, printed alone), every other taken line has a value
 * ({@code "name: value"}), and all of it is printable ASCII (the same bytes in any charset the
 * JDK's client may use for the head, all ASCII supersets). Anything else is left to the JDK
 * as it was. The taken lines' keys are nulled (the JDK skips null keys) until
 * {@link #restore}, under the header's lock; the connection's own lock keeps the application
 * out of its request headers while they are printed.
 */
public final class HeadLines {
    /** Lines taken at most (the request line, the agent's two headers and a few of the application's). */
    static final int MAX_LINES = 12;
    /** Bytes taken at most. */
    static final int MAX_BYTES = 2048;

    private final String[] marks;

    /**
     * One thread's bytes being written and keys taken, used between one print's enter and exit
     * only. The caller keeps it with its other per-thread state (one thread-local lookup for all
     * of it); its buffers are made at its first head taken.
     */
    public static final class Work {
        byte[] bytes;
        String[] taken;
        /** The line each taken key came from. */
        int[] at;
        int count;

        void buffers() {
            if (bytes == null) {
                bytes = new byte[MAX_BYTES];
                taken = new String[MAX_LINES];
                at = new int[MAX_LINES];
            }
        }
    }

    /** @param marks the header names that make a head worth taking (the agent's own) */
    public HeadLines(String... marks) {
        this.marks = marks.clone();
    }

    /**
     * Writes lines {@code 0..n} of the head to {@code out} and nulls their keys, where {@code n} is
     * the last line named by one of the marks; returns how many lines it took, 0 when it left the
     * head alone.
     */
    public int take(Work w, Object lock, String[] keys, String[] values, int count, PrintStream out) {
        if (lock == null || keys == null || values == null || out == null || !hasMark(keys, count)) {
            return 0; // the usual case of a head without the agent's headers: no buffer made for it
        }
        if (isVirtual(Thread.currentThread())) {
            return 0; // a virtual thread usually runs one task: its buffer would be made for one call
        }
        if (w.count != 0) {
            return 0; // an earlier take on this thread was not restored: leave this one alone
        }
        synchronized (lock) {
            int n = Math.min(count, Math.min(keys.length, values.length));
            int last = -1;
            for (int i = 1; i < n && i < MAX_LINES; i++) {
                if (isMark(keys[i])) {
                    last = i;
                }
            }
            if (last < 0 || !isRequestLine(keys[0]) || values[0] != null) {
                return 0;
            }
            w.buffers();
            byte[] b = w.bytes;
            int at = put(b, 0, keys[0]);
            at = crlf(b, at);
            for (int i = 1; i <= last && at >= 0; i++) {
                if (keys[i] == null) {
                    continue; // the JDK skips it too
                }
                if (values[i] == null) {
                    return 0; // printed differently by different JDKs: left to the JDK
                }
                at = put(b, at, keys[i]);
                at = put(b, at, ": ");
                at = put(b, at, values[i]);
                at = crlf(b, at);
            }
            if (at < 0) {
                return 0;
            }
            out.write(b, 0, at);
            for (int i = 0; i <= last; i++) {
                w.taken[i] = keys[i];
                w.at[i] = i;
                keys[i] = null;
            }
            w.count = last + 1;
            return last + 1;
        }
    }

    /**
     * Writes the request line of a head followed by the trace headers {@code headers} (name,
     * value, name, value...), which are in none of its lines, and nulls the request line's key
     * and the keys of any lines named like the trace headers (set by the application or another
     * tool: they would go out twice), until {@link #restore}. The JDK then prints the other lines
     * as usual. Returns how many keys it took, 0 when it wrote nothing: no head of a request
     * (line 0 not a request line, or a proxy's CONNECT, which is not the traced call), or a line
     * it cannot write as plain ASCII.
     *
     * <p>Used for HttpURLConnection, whose own way of adding a header (setRequestProperty: checks,
     * and a copy into two header lists) cost more than writing the lines here.
     */
    public int inject(Work w, Object lock, String[] keys, String[] values, int count, PrintStream out, String[] headers) {
        return headers == null ? 0 : inject(w, lock, keys, values, count, out, headers, null);
    }

    /**
     * {@link #inject(Work, Object, String[], String[], int, PrintStream, String[])} with the trace
     * headers already written as {@code lines}: {@code "name: value\r\n"} lines of printable
     * ASCII, which the caller vouches for (the tracer writes them from hex digits and a checked
     * application name), copied as they are; no String is made for them.
     */
    public int inject(Work w, Object lock, String[] keys, String[] values, int count, PrintStream out, byte[] lines) {
        return lines == null ? 0 : inject(w, lock, keys, values, count, out, null, lines);
    }

    private int inject(Work w, Object lock, String[] keys, String[] values, int count, PrintStream out, String[] headers,
                       byte[] lines) {
        if (lock == null || keys == null || values == null || out == null || w.count != 0) {
            return 0;
        }
        synchronized (lock) {
            int n = Math.min(count, Math.min(keys.length, values.length));
            if (n < 1 || !isRequestLine(keys[0]) || values[0] != null || keys[0].startsWith("CONNECT ")) {
                return 0;
            }
            boolean virtual = isVirtual(Thread.currentThread());
            byte[] b;
            if (virtual) {
                b = new byte[MAX_BYTES]; // a virtual thread usually makes one call: no buffer kept for it
            } else {
                w.buffers();
                b = w.bytes;
            }
            int at = put(b, 0, keys[0]);
            at = crlf(b, at);
            if (headers != null) {
                for (int i = 0; i + 1 < headers.length && at >= 0; i += 2) {
                    at = put(b, at, headers[i]);
                    at = put(b, at, ": ");
                    at = put(b, at, headers[i + 1]);
                    at = crlf(b, at);
                }
            } else if (at >= 0 && at + lines.length <= b.length) {
                System.arraycopy(lines, 0, b, at, lines.length);
                at += lines.length;
            } else {
                at = -1;
            }
            if (at < 0) {
                return 0;
            }
            if (virtual && w.taken == null) {
                w.taken = new String[MAX_LINES];
                w.at = new int[MAX_LINES];
            }
            out.write(b, 0, at);
            int t = 0;
            w.taken[t] = keys[0];
            w.at[t++] = 0;
            keys[0] = null;
            for (int i = 1; i < n && t < MAX_LINES; i++) {
                if (isMark(keys[i])) {
                    w.taken[t] = keys[i];
                    w.at[t++] = i;
                    keys[i] = null;
                }
            }
            w.count = t;
            return t;
        }
    }

    /** {@code Thread.isVirtual()} on Java 21+, null before it. */
    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = isVirtualHandle();

    private static java.lang.invoke.MethodHandle isVirtualHandle() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    java.lang.invoke.MethodType.methodType(boolean.class));
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Whether {@code t} is a virtual thread. The per-thread buffer pays off on pooled threads,
     * which print many heads; a virtual thread is usually made for one task, so there the buffer
     * (2 KB) would cost more than the JDK's own printing of the two headers (about 890 B).
     */
    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /** Puts back the keys the last {@link #take} with {@code w} (on this thread) nulled. */
    public void restore(Work w, Object lock, String[] keys, int taken) {
        int n = Math.min(taken, w.count);
        if (lock == null || keys == null) {
            w.count = 0;
            return;
        }
        synchronized (lock) {
            for (int i = 0; i < n; i++) {
                int line = w.at[i];
                if (line < keys.length && keys[line] == null) {
                    keys[line] = w.taken[i];
                }
                w.taken[i] = null;
            }
            w.count = 0;
        }
    }

    /** Whether one of the first lines is named by a mark (read without the lock: only a hint). */
    private boolean hasMark(String[] keys, int count) {
        int n = Math.min(Math.min(count, keys.length), MAX_LINES);
        for (int i = 1; i < n; i++) {
            if (isMark(keys[i])) {
                return true;
            }
        }
        return false;
    }

    private boolean isMark(String key) {
        if (key == null) {
            return false;
        }
        for (String m : marks) {
            if (m.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code "METHOD target HTTP/d.d"} with no space around it: every JDK prints it alone, with
     * nothing after it.
     */
    static boolean isRequestLine(String line) {
        if (line == null) {
            return false;
        }
        int len = line.length();
        if (len < 12 || line.charAt(0) <= ' ' || line.charAt(len - 1) <= ' ' || line.indexOf(' ') <= 0) {
            return false;
        }
        return line.startsWith(" HTTP/", len - 9) && line.charAt(len - 3) >= '1' && line.charAt(len - 3) <= '9'
                && line.charAt(len - 2) == '.' && line.charAt(len - 1) >= '0' && line.charAt(len - 1) <= '9';
    }

    /** {@code text} as ASCII bytes at {@code at}; -1 when it does not fit or holds anything but printable ASCII or tab. */
    private static int put(byte[] b, int at, String text) {
        if (at < 0 || at + text.length() > b.length) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < ' ' && c != '\t') || c > '~') {
                return -1;
            }
            b[at++] = (byte) c;
        }
        return at;
    }

    private static int crlf(byte[] b, int at) {
        if (at < 0 || at + 2 > b.length) {
            return -1;
        }
        b[at] = '\r';
        b[at + 1] = '\n';
        return at + 2;
    }
}
