package io.sightline.agent.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Map;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.sightline.agent.core.log.AgentLog;
import io.sightline.agent.core.trace.ExceptionRecord;
import io.sightline.agent.core.trace.SpanRecord;
import io.sightline.agent.core.trace.TransactionStats;
import io.sightline.protocol.Protocol;
import io.sightline.protocol.v1.ActiveRequest;
import io.sightline.protocol.v1.ActiveRequests;
import io.sightline.protocol.v1.AgentHello;
import io.sightline.protocol.v1.AgentRef;
import io.sightline.protocol.v1.Command;
import io.sightline.protocol.v1.CommandReply;
import io.sightline.protocol.v1.CommandServiceGrpc;
import io.sightline.protocol.v1.ThreadDump;

/**
 * The live command stream (CommandService.Connect): opened after registering, it starts with a
 * hello and then answers the collector's commands (requests in progress with their stacks, a
 * thread dump). Commands are answered on gRPC's executor, never on application threads.
 */
final class CommandStream {
    static final int DEFAULT_STACK_DEPTH = 64;

    private final TransactionStats transactions;
    private final AgentRef agent;
    private StreamObserver<CommandReply> out;
    private volatile boolean open;

    CommandStream(TransactionStats transactions, AgentRef agent) {
        this.transactions = transactions;
        this.agent = agent;
    }

    boolean isOpen() {
        return open;
    }

    void open(ManagedChannel channel) {
        open = true;
        out = CommandServiceGrpc.newStub(channel).connect(new StreamObserver<Command>() {
            @Override
            public void onNext(Command command) {
                answer(command);
            }

            @Override
            public void onError(Throwable t) {
                open = false;
                AgentLog.debug("command stream closed: " + t);
            }

            @Override
            public void onCompleted() {
                open = false;
                synchronized (CommandStream.this) {
                    try {
                        out.onCompleted();
                    } catch (RuntimeException ignored) {
                        // already gone
                    }
                }
            }
        });
        send(CommandReply.newBuilder().setHello(AgentHello.newBuilder().setAgent(agent)
                .setProtocolVersion(Protocol.PROTOCOL_VERSION)).build());
    }

    void close() {
        if (open) {
            open = false;
            synchronized (this) {
                try {
                    out.onCompleted();
                } catch (RuntimeException ignored) {
                    // the channel is going away anyway
                }
            }
        }
    }

    private synchronized void send(CommandReply reply) {
        if (open) {
            out.onNext(reply);
        }
    }

    void answer(Command command) {
        CommandReply.Builder reply = CommandReply.newBuilder().setRequestId(command.getRequestId());
        try {
            switch (command.getKindCase()) {
                case ACTIVE_REQUESTS:
                    int depth = depth(command.getActiveRequests().getMaxStackDepth());
                    reply.setActiveRequests(activeRequests(transactions, command.getActiveRequests().getWithStack(), depth));
                    break;
                case THREAD_DUMP:
                    reply.setThreadDump(threadDump(depth(command.getThreadDump().getMaxStackDepth())));
                    break;
                default:
                    reply.setError("unknown command " + command.getKindCase());
            }
        } catch (RuntimeException e) {
            reply.setError("command failed: " + e);
        }
        send(reply.build());
    }

    private static int depth(int asked) {
        return asked <= 0 ? DEFAULT_STACK_DEPTH : Math.min(asked, 1024);
    }

    static ActiveRequests activeRequests(TransactionStats transactions, boolean withStack, int depth) {
        ActiveRequests.Builder b = ActiveRequests.newBuilder();
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        for (Map.Entry<SpanRecord, Thread> e : transactions.activeRequests()) {
            SpanRecord s = e.getKey();
            Thread t = e.getValue();
            ActiveRequest.Builder r = ActiveRequest.newBuilder()
                    .setTraceId(ByteString.copyFrom(s.traceId))
                    .setUri(s.uri == null ? "" : s.uri)
                    .setMethod(s.method == null ? "" : s.method)
                    .setStartTime(s.startTime)
                    .setElapsed((int) Math.max(0, Math.min(s.age(nanos), now - s.startTime + 1)))
                    .setThreadName(t.getName())
                    .setThreadId(t.getId());
            if (withStack) {
                StackTraceElement[] stack = t.getStackTrace();
                for (int i = 0; i < stack.length && i < depth; i++) {
                    r.addStack(ExceptionRecord.frame(stack[i]));
                }
            }
            b.addRequests(r);
        }
        return b.build();
    }

    static ThreadDump threadDump(int depth) {
        ThreadDump.Builder b = ThreadDump.newBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            io.sightline.protocol.v1.ThreadInfo.Builder t = io.sightline.protocol.v1.ThreadInfo.newBuilder()
                    .setName(info.getThreadName())
                    .setId(info.getThreadId())
                    .setState(info.getThreadState().name())
                    .setLockName(info.getLockName() == null ? "" : info.getLockName());
            StackTraceElement[] stack = info.getStackTrace();
            for (int i = 0; i < stack.length && i < depth; i++) {
                t.addStack(ExceptionRecord.frame(stack[i]));
            }
            b.addThreads(t);
        }
        return b.build();
    }
}
