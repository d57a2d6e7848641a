package io.sightline.agent.transport;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.sightline.agent.core.log.AgentLog;

/**
 * gRPC and netty log through java.util.logging under their relocated package names; send those
 * records to the agent's log file instead of the application's console.
 */
final class JulBridge extends Handler {
    private static final String SHADED_ROOT = "io.sightline.agent.shaded";
    private static Logger root; // strong reference: JUL holds loggers weakly

    static synchronized void install() {
        if (root != null) {
            return;
        }
        Logger l = Logger.getLogger(SHADED_ROOT);
        l.setUseParentHandlers(false);
        l.setLevel(AgentLog.isDebug() ? Level.FINE : Level.INFO);
        l.addHandler(new JulBridge());
        root = l;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null) {
            return;
        }
        AgentLog.Level level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? AgentLog.Level.ERROR
                : r.getLevel().intValue() >= Level.WARNING.intValue() ? AgentLog.Level.WARN
                : r.getLevel().intValue() >= Level.INFO.intValue() ? AgentLog.Level.INFO : AgentLog.Level.DEBUG;
        String msg = r.getMessage();
        if (r.getParameters() != null && msg != null) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException ignored) {
                // keep the raw message
            }
        }
        AgentLog.log(level, r.getLoggerName() + ": " + msg, r.getThrown());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
