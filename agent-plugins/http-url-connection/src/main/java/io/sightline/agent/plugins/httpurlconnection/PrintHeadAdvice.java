package io.sightline.agent.plugins.httpurlconnection;

import java.io.PrintStream;

import io.sightline.agent.bridge.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * MessageHeader.print(PrintStream): the agent writes the head's first lines, through its own
 * trace headers, as bytes; the JDK prints the rest (see the agent's HeadLines).
 */
final class PrintHeadAdvice {
    private PrintHeadAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter(@Advice.This Object header, @Advice.FieldValue("keys") String[] keys,
                     @Advice.FieldValue("values") String[] values, @Advice.FieldValue("nkeys") int count,
                     @Advice.Argument(0) PrintStream out) {
        return Bridge.printHeadLines(header, keys, values, count, out);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter int taken, @Advice.This Object header, @Advice.FieldValue("keys") String[] keys) {
        Bridge.restoreHeadLines(header, keys, taken);
    }
}
