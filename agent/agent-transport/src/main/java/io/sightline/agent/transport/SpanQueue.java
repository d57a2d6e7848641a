package io.sightline.agent.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.grpc.Drainable;
import io.grpc.KnownLength;

/**
 * The spans the sender has encoded and not yet seen acknowledged, oldest first, as bytes in a
 * few reused 64 KB pages. A finished span is encoded within milliseconds of its end and its
 * objects die young; what waits for the next call (up to the linger time, or for as long as the
 * collector is away) is only bytes, in pages that live long and are reused, so young collections
 * find nothing of it to copy. Each span is stored as a whole {@code SpanBatch.spans} field (tag,
 * length, Span), so a batch is a header, a run of stored bytes and a trailer.
 *
 * <p>Used by the sender thread only. Bounds are the caller's: it drops the oldest
 * ({@link #dropOldest}) when the count or the bytes grow past its limits.
 */
final class SpanQueue {
    static final int PAGE_BYTES = 64 * 1024;
    /**
     * Emptied pages kept for reuse while busy, more are left to the GC: more than the sender
     * fills before it sends ({@link GrpcExporter#SEND_BYTES}, 16 pages) and what comes in during
     * the call, so that under load no page is allocated: the same pages age into the old
     * generation, where no young collection copies them (JFR of the overhead bench: with 16
     * kept, the young collections' survivors were about 1.5 MB bigger than with the 100 ms
     * linger and 2 kept).
     */
    static final int SPARE_PAGES = 24;
    /** Emptied pages kept once the sender is idle ({@link #trimSpare}). */
    static final int IDLE_SPARE_PAGES = 1;

    private static final class Page {
        final byte[] bytes;
        int used;
        int live;

        Page(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private final ArrayDeque<Page> pages = new ArrayDeque<Page>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<byte[]>();

    // a ring of the queued spans, oldest at head
    private Page[] page = new Page[256];
    private int[] offset = new int[256];
    private int[] length = new int[256];
    private long[] queuedAt = new long[256];
    private MetadataTracker.Text[][] needs = new MetadataTracker.Text[256][];
    private int head;
    private int count;
    private long bytes;
    /** How many spans at the head have gone out at least once (sent spans are always the oldest). */
    private int attempted;

    int size() {
        return count;
    }

    /** Bytes of the queued spans (their pages hold at most a partly filled page more). */
    long bytes() {
        return bytes;
    }

    /** When the oldest span was queued ({@link System#nanoTime}); only meaningful when not empty. */
    long oldestQueuedAt() {
        return queuedAt[head];
    }

    /** How many of the oldest spans have been sent at least once. */
    int attempted() {
        return attempted;
    }

    /** Room for {@code n} bytes at {@link #position()} of the returned array, for the next {@link #commit}. */
    byte[] reserve(int n) {
        Page tail = pages.peekLast();
        if (tail != null && tail.bytes.length - tail.used >= n) {
            return tail.bytes;
        }
        if (tail != null && tail.live == 0) {
            pages.pollLast(); // reserved but never committed, too small now
            recycle(tail);
        }
        Page p = new Page(n <= PAGE_BYTES ? pageBytes() : new byte[n]);
        pages.addLast(p);
        return p.bytes;
    }

    /** Where the bytes reserved by {@link #reserve} start. */
    int position() {
        return pages.peekLast().used;
    }

    /** Queues the {@code n} bytes written at {@link #position()}, with the metadata texts they need (or null). */
    void commit(int n, long now, MetadataTracker.Text[] texts) {
        if (count == page.length) {
            grow();
        }
        Page tail = pages.peekLast();
        int i = index(count);
        page[i] = tail;
        offset[i] = tail.used;
        length[i] = n;
        queuedAt[i] = now;
        needs[i] = texts;
        tail.used += n;
        tail.live++;
        count++;
        bytes += n;
    }

    /** Removes the oldest span (dropped, or acknowledged). */
    void dropOldest() {
        int i = head;
        Page p = page[i];
        page[i] = null;
        needs[i] = null;
        bytes -= length[i];
        head = index(1);
        count--;
        if (attempted > 0) {
            attempted--;
        }
        if (--p.live == 0) {
            // the oldest span's page is the first one: every older page has emptied before it
            if (p == pages.peekLast() && p.bytes.length == PAGE_BYTES) {
                p.used = 0;
            } else {
                pages.pollFirst();
                recycle(p);
            }
        }
    }

    /** Removes the {@code n} oldest spans (an acknowledged batch). */
    void removeFirst(int n) {
        for (int k = 0; k < n; k++) {
            dropOldest();
        }
    }

    /**
     * Puts the oldest spans into {@code batch}: at most {@code maxSpans}, and no more than
     * {@code maxBytes} of span bytes unless a single span is bigger. Spans already sent once go
     * alone, so that a batch of new spans keeps its first-attempt flag.
     */
    void prepare(Batch batch, int maxSpans, long maxBytes) {
        batch.clear();
        int limit = attempted > 0 ? Math.min(maxSpans, attempted) : maxSpans;
        long sum = 0;
        int k = 0;
        while (k < count && k < limit) {
            int i = index(k);
            int n = length[i];
            if (k > 0 && sum + n > maxBytes) {
                break;
            }
            sum += n;
            batch.add(page[i].bytes, offset[i], n);
            MetadataTracker.Text[] t = needs[i];
            if (t != null) {
                for (MetadataTracker.Text text : t) {
                    batch.need(text);
                }
            }
            k++;
        }
        batch.spans = k;
        batch.spanBytes = sum;
        batch.firstAttempt = attempted == 0;
    }

    /** The {@code n} oldest spans went out (whatever became of the call, the collector may have stored them). */
    void sent(int n) {
        attempted = Math.max(attempted, Math.min(n, count));
    }

    private int index(int k) {
        return (head + k) % page.length;
    }

    private void grow() {
        int cap = page.length * 2;
        Page[] p = new Page[cap];
        int[] o = new int[cap];
        int[] l = new int[cap];
        long[] q = new long[cap];
        MetadataTracker.Text[][] t = new MetadataTracker.Text[cap][];
        for (int k = 0; k < count; k++) {
            int i = index(k);
            p[k] = page[i];
            o[k] = offset[i];
            l[k] = length[i];
            q[k] = queuedAt[i];
            t[k] = needs[i];
        }
        page = p;
        offset = o;
        length = l;
        queuedAt = q;
        needs = t;
        head = 0;
    }

    /** The sender is idle: keeps {@link #IDLE_SPARE_PAGES} emptied pages, leaves the rest to the GC. */
    void trimSpare() {
        while (spare.size() > IDLE_SPARE_PAGES) {
            spare.pollLast();
        }
    }

    /** Emptied pages kept for reuse (for tests). */
    int sparePages() {
        return spare.size();
    }

    private byte[] pageBytes() {
        byte[] b = spare.pollFirst();
        return b != null ? b : new byte[PAGE_BYTES];
    }

    private void recycle(Page p) {
        if (p.bytes.length == PAGE_BYTES && spare.size() < SPARE_PAGES) {
            spare.addLast(p.bytes);
        }
    }

    /**
     * One call's {@code SpanBatch}: a header (the agent), the stored bytes of its spans, a trailer
     * (metadata, drop count, first-attempt flag). Also the request stream gRPC reads it from:
     * known length, drained in a few writes without being copied together first.
     */
    static final class Batch {
        int spans;
        long spanBytes;
        boolean firstAttempt;
        byte[] head = new byte[0];
        int headLength;
        byte[] tail = new byte[256];
        int tailLength;
        /** Texts the spans refer to that the collector did not have when they were encoded, first use first. */
        final List<MetadataTracker.Text> texts = new ArrayList<MetadataTracker.Text>();
        private final Set<Long> textIds = new HashSet<Long>();
        private final List<byte[]> arrays = new ArrayList<byte[]>();
        private int[] offsets = new int[16];
        private int[] lengths = new int[16];

        int length() {
            return (int) (headLength + spanBytes + tailLength);
        }

        void clear() {
            spans = 0;
            spanBytes = 0;
            arrays.clear();
            texts.clear();
            textIds.clear();
        }

        private void add(byte[] array, int off, int n) {
            int last = arrays.size() - 1;
            if (last >= 0 && arrays.get(last) == array && offsets[last] + lengths[last] == off) {
                lengths[last] += n; // the next span in the same page
                return;
            }
            if (arrays.size() == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, offsets.length * 2);
                lengths = java.util.Arrays.copyOf(lengths, lengths.length * 2);
            }
            offsets[arrays.size()] = off;
            lengths[arrays.size()] = n;
            arrays.add(array);
        }

        private void need(MetadataTracker.Text t) {
            if (textIds.add(t.id)) {
                texts.add(t);
            }
        }

        /** The batch's bytes, in order. */
        void writeTo(OutputStream out) throws IOException {
            out.write(head, 0, headLength);
            for (int s = 0; s < arrays.size(); s++) {
                out.write(arrays.get(s), offsets[s], lengths[s]);
            }
            out.write(tail, 0, tailLength);
        }

        InputStream stream() {
            return new Stream(this);
        }
    }

    /** A batch as gRPC reads a request: it asks for the length, then drains it. */
    private static final class Stream extends InputStream implements KnownLength, Drainable {
        private final Batch batch;
        private final int length;
        private int position;

        Stream(Batch batch) {
            this.batch = batch;
            this.length = batch.length();
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (position != 0) {
                throw new IOException("span batch stream already read from");
            }
            batch.writeTo(target);
            position = length;
            return length;
        }

        @Override
        public int available() {
            return length - position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= length) {
                return -1;
            }
            // rarely used (gRPC drains): walk the parts up to position
            int n = Math.min(len, length - position);
            int done = 0;
            int partStart = 0;
            int parts = batch.arrays.size() + 2;
            for (int p = 0; p < parts && done < n; p++) {
                byte[] array;
                int from;
                int size;
                if (p == 0) {
                    array = batch.head;
                    from = 0;
                    size = batch.headLength;
                } else if (p == parts - 1) {
                    array = batch.tail;
                    from = 0;
                    size = batch.tailLength;
                } else {
                    array = batch.arrays.get(p - 1);
                    from = batch.offsets[p - 1];
                    size = batch.lengths[p - 1];
                }
                int at = position + done;
                if (at < partStart + size) {
                    int skip = at - partStart;
                    int take = Math.min(size - skip, n - done);
                    System.arraycopy(array, from + skip, b, off + done, take);
                    done += take;
                }
                partStart += size;
            }
            position += done;
            return done;
        }
    }
}
