package io.sightline.agent.bridge;

/**
 * A plain {@link Runnable} handed to a JDK executor while a transaction is current: it carries
 * the transaction to the thread that runs it. Only created inside a transaction, so work
 * submitted outside one reaches the executor unchanged.
 */
public final class ContextRunnable implements Runnable {
    private final Runnable task;

    ContextRunnable(Runnable task) {
        this.task = task;
    }

    /** The application's own task. */
    public Runnable task() {
        return task;
    }

    @Override
    public void run() {
        Object token = null;
        try {
            token = Bridge.contextAttach(this);
        } catch (Throwable ignored) {
            // the agent's trouble never reaches the task
        }
        try {
            task.run();
        } finally {
            try {
                Bridge.contextClose(token);
            } catch (Throwable ignored) {
                // as above
            }
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
