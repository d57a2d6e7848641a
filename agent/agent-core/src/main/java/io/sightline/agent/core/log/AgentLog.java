package io.sightline.agent.core.log;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Date;

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
        sb.append(new SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS").format(new Date()))
                .append(' ').append(level).append(" [").append(Thread.currentThread().getName()).append("] ")
                .append(message).append('\n');
        if (t != null) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        l.write(sb.toString());
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
