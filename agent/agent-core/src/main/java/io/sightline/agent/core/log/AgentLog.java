package io.sightline.agent.core.log;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;

/**
 * The agent's log: a file of its own (never stdout), rotated by size, so the agent stays silent
 * in the application's output. Before {@link #init} is called, messages are dropped.
 */
public final class AgentLog {
    public enum Level { DEBUG, INFO, WARN, ERROR, OFF }

    /** Default size of one log file before it is rotated. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** Default number of rotated files kept beside the current one. */
    public static final int DEFAULT_FILES = 3;

    private static volatile AgentLog instance;

    private final File file;
    private final Level threshold;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long written;

    private AgentLog(File file, Level threshold, long maxBytes, int keep) {
        this.file = file;
        this.threshold = threshold;
        this.maxBytes = Math.max(1024, maxBytes);
        this.keep = Math.max(1, keep);
    }

    /** Opens the log file {@code dir/<agentId>.log}; returns the file, or null when it could not be opened. */
    public static File init(File dir, String agentId, String level) {
        return init(dir, agentId, level, DEFAULT_MAX_BYTES, DEFAULT_FILES);
    }

    /**
     * Opens the log file {@code dir/<agentId>.log}, rotated when it would pass {@code maxBytes}
     * into {@code .1} ... {@code .<files>} (the oldest deleted); returns the file, or null when it
     * could not be opened.
     */
    public static synchronized File init(File dir, String agentId, String level, long maxBytes, int files) {
        Level threshold;
        try {
            threshold = Level.valueOf(level);
        } catch (IllegalArgumentException e) {
            threshold = Level.INFO;
        }
        File f = new File(dir, safeFileName(agentId) + ".log");
        AgentLog log = new AgentLog(f, threshold, maxBytes, files);
        try {
            dir.mkdirs();
            log.open();
        } catch (IOException e) {
            return null;
        }
        instance = log;
        return f;
    }

    /** Agent ids may hold anything; keep a file name out of it. */
    public static String safeFileName(String id) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < id.length() && sb.length() < 120; i++) {
            char c = id.charAt(i);
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return sb.length() == 0 ? "agent" : sb.toString();
    }

    private void open() throws IOException {
        out = new FileOutputStream(file, true);
        written = file.length();
    }

    public static boolean isDebug() {
        AgentLog l = instance;
        return l != null && l.threshold == Level.DEBUG;
    }

    public static void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    public static void info(String message) {
        log(Level.INFO, message, null);
    }

    public static void warn(String message) {
        log(Level.WARN, message, null);
    }

    public static void warn(String message, Throwable t) {
        log(Level.WARN, message, t);
    }

    public static void error(String message, Throwable t) {
        log(Level.ERROR, message, t);
    }

    public static void log(Level level, String message, Throwable t) {
        AgentLog l = instance;
        if (l == null || level.ordinal() < l.threshold.ordinal()) {
            return;
        }
        StringBuilder sb = new StringBuilder(128);
        timestamp(sb, System.currentTimeMillis(), ZONE);
        sb.append(' ').append(level).append(" [").append(Thread.currentThread().getName()).append("] ")
                .append(message).append('\n');
        if (t != null) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        l.write(sb.toString());
    }

    /** The JVM's default time zone, read once (log lines are stamped in local time). */
    private static final TimeZone ZONE = TimeZone.getDefault();

    /**
     * Appends {@code millis} as {@code yyyy-MM-dd HH:mm:ss.SSS} in {@code zone}. Written out by
     * hand: SimpleDateFormat's first use loads calendar, locale and format data, which cost the
     * first log line of premain tens of milliseconds.
     */
    static void timestamp(StringBuilder sb, long millis, TimeZone zone) {
        long local = millis + zone.getOffset(millis);
        long days = Math.floorDiv(local, 86_400_000L);
        int ms = (int) Math.floorMod(local, 86_400_000L);
        // the civil date of a day count from 1970-01-01, with March as the first month of a year
        // so that the leap day ends it; eras are the 400-year cycles of the Gregorian calendar
        long shifted = days + 719_468; // days since 0000-03-01
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append(' ');
        pad(sb, ms / 3_600_000, 2).append(':');
        pad(sb, ms / 60_000 % 60, 2).append(':');
        pad(sb, ms / 1_000 % 60, 2).append('.');
        pad(sb, ms % 1_000, 3);
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    private synchronized void write(String text) {
        try {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (written > 0 && written + bytes.length > maxBytes) {
                rotate();
            }
            out.write(bytes);
            out.flush();
            written += bytes.length;
        } catch (IOException ignored) {
            // a full disk must not break the application; the message is lost
        }
    }

    private void rotate() throws IOException {
        out.close();
        new File(file.getPath() + "." + keep).delete();
        for (int i = keep - 1; i >= 1; i--) {
            File from = new File(file.getPath() + "." + i);
            File to = new File(file.getPath() + "." + (i + 1));
            if (from.exists()) {
                to.delete();
                from.renameTo(to);
            }
        }
        File first = new File(file.getPath() + ".1");
        first.delete();
        file.renameTo(first);
        out = new FileOutputStream(file, false);
        written = 0;
    }
}
