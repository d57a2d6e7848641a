package io.sightline.agent.core.trace;

/** An exception as sent: class name, message and a few top frames. */
public final class ExceptionRecord {
    public static final int MAX_MESSAGE = 1024;

    public final String className;
    public final String message;
    public final String[] frames;

    public ExceptionRecord(String className, String message, String[] frames) {
        this.className = className;
        this.message = message;
        this.frames = frames;
    }

    /**
     * Records {@code t}. Servlet wrappers (ServletException and Spring's nested one) are unwrapped
     * to their cause, since the cause is what the user wants to see.
     */
    public static ExceptionRecord of(Throwable t, int maxFrames) {
        Throwable shown = t;
        for (int i = 0; i < 5 && shown.getCause() != null && shown.getCause() != shown && isWrapper(shown); i++) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        StackTraceElement[] stack = shown.getStackTrace();
        int n = Math.min(maxFrames, stack.length);
        String[] frames = new String[n];
        for (int i = 0; i < n; i++) {
            frames[i] = frame(stack[i]);
        }
        return new ExceptionRecord(shown.getClass().getName(), message, frames);
    }

    /** {@code class.method(File.java:12)}, without the module prefix newer JDKs add. */
    public static String frame(StackTraceElement e) {
        StringBuilder sb = new StringBuilder(96).append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.isNativeMethod()) {
            sb.append("Native Method");
        } else if (e.getFileName() == null) {
            sb.append("Unknown Source");
        } else {
            sb.append(e.getFileName());
            if (e.getLineNumber() >= 0) {
                sb.append(':').append(e.getLineNumber());
            }
        }
        return sb.append(')').toString();
    }

    private static boolean isWrapper(Throwable t) {
        String n = t.getClass().getName();
        return n.equals("jakarta.servlet.ServletException") || n.equals("javax.servlet.ServletException")
                || n.equals("org.springframework.web.util.NestedServletException");
    }

    /** {@code ClassName: message}, or the class name alone. */
    @Override
    public String toString() {
        return message == null ? className : className + ": " + message;
    }
}
