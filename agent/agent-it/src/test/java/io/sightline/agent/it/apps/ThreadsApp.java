package io.sightline.agent.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Work handed to other threads, on embedded Tomcat. Prints "READY <port>". Every endpoint takes
 * {@code target} (a base URL) and calls {@code target + "/<what>"} from the threads it uses:
 * <ul>
 *   <li>/execute: {@code execute(Runnable)} on a one-thread pool ("one-pool")</li>
 *   <li>/submit: {@code submit(Callable)} on the same pool</li>
 *   <li>/schedule: {@code schedule(Callable, 5 ms)} ("sched-pool")</li>
 *   <li>/cf-common: supplyAsync then thenApplyAsync on the default async pool</li>
 *   <li>/cf-custom: supplyAsync then thenApplyAsync on a custom pool ("cf-pool")</li>
 *   <li>/quiet: a task that records nothing</li>
 *   <li>/untraced-work: a thread outside any transaction queues a task on "one-pool"</li>
 *   <li>/fail?where=entry|call: an exception thrown out of the request, or out of a call the
 *       application catches</li>
 *   <li>/queue: the application's own Runnables as the pool shows them: in getQueue(), taken
 *       back with remove(r), handed back by shutdownNow() (cast to the application's type), and
 *       given to a beforeExecute hook that casts them too; the one that runs calls
 *       {@code target + "/queue"}</li>
 *   <li>/fj: submit(Callable), execute(Runnable), invoke(RecursiveTask) on a ForkJoinPool
 *       ("fj-pool"), one after the other; /fj-again: the same (its own span)</li>
 *   <li>/nosuper: execute(Runnable) on a pool whose afterExecute does not call super
 *       ("nosuper-pool")</li>
 *   <li>/untraced-pools: a thread outside any transaction queues work on "nosuper-pool" and
 *       "fj-pool"</li>
 *   <li>/virtual (Java 21+): execute(Runnable) then submit(Callable) on a virtual thread per
 *       task executor</li>
 * </ul>
 */
public final class ThreadsApp {
    private ThreadsApp() {
    }

    static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }

    static int get(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status;
        } catch (IOException e) {
            return -1;
        }
    }

    interface Work {
        String run(String target) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        ExecutorService one = Executors.newFixedThreadPool(1, named("one-pool"));
        ScheduledExecutorService sched = Executors.newScheduledThreadPool(1, named("sched-pool"));
        ExecutorService cfPool = Executors.newFixedThreadPool(2, named("cf-pool"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/sightline-threads-" + ProcessHandle.current().pid());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        add(ctx, "/execute", t -> {
            CountDownLatch done = new CountDownLatch(1);
            int[] status = new int[1];
            one.execute(() -> {
                status[0] = get(t + "/execute");
                done.countDown();
            });
            done.await();
            return "execute " + status[0];
        });
        add(ctx, "/submit", t -> "submit " + one.submit(() -> get(t + "/submit")).get());
        add(ctx, "/schedule", t -> "schedule " + sched.schedule(() -> get(t + "/schedule"), 5, TimeUnit.MILLISECONDS).get());
        add(ctx, "/cf-common", t -> "cf-common " + CompletableFuture.supplyAsync(() -> get(t + "/supply"))
                .thenApplyAsync(s -> s + " " + get(t + "/apply")).get());
        add(ctx, "/cf-custom", t -> "cf-custom " + CompletableFuture.supplyAsync(() -> get(t + "/supply"), cfPool)
                .thenApplyAsync(s -> s + " " + get(t + "/apply"), cfPool).get());
        add(ctx, "/quiet", t -> "quiet " + one.submit(() -> 6 * 7).get());
        add(ctx, "/untraced-work", t -> {
            CountDownLatch done = new CountDownLatch(1);
            Thread outside = new Thread(() -> one.execute(() -> {
                get(t + "/untraced");
                done.countDown();
            }));
            outside.start();
            done.await();
            return "untraced";
        });
        add(ctx, "/fail", t -> {
            if ("call".equals(t)) {
                int status = get("http://127.0.0.1:1/refused");
                return "caught " + status;
            }
            throw new IllegalArgumentException("bad input " + t);
        });
        add(ctx, "/queue", ThreadsApp::queue);
        ForkJoinPool fj = new ForkJoinPool(2, pool -> {
            ForkJoinWorkerThread w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            w.setName("fj-pool");
            return w;
        }, null, false);
        Work forkJoin = t -> {
            int submitted = fj.submit(() -> get(t + "/fj-submit")).get();
            CountDownLatch done = new CountDownLatch(1);
            int[] executed = new int[1];
            fj.execute(() -> {
                executed[0] = get(t + "/fj-execute");
                done.countDown();
            });
            done.await();
            int invoked = fj.invoke(new Fetch(t + "/fj-invoke"));
            return "fj " + submitted + " " + executed[0] + " " + invoked;
        };
        add(ctx, "/fj", forkJoin);
        add(ctx, "/fj-again", forkJoin);
        // a pool whose afterExecute does not call super (nor does anything)
        ThreadPoolExecutor noSuper = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("nosuper-pool")) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
            }
        };
        add(ctx, "/nosuper", t -> {
            CountDownLatch done = new CountDownLatch(1);
            int[] status = new int[1];
            noSuper.execute(() -> {
                status[0] = get(t + "/nosuper");
                done.countDown();
            });
            done.await();
            return "nosuper " + status[0];
        });
        // threads outside any transaction queue work on the pools traced work ran on
        add(ctx, "/untraced-pools", t -> {
            CountDownLatch done = new CountDownLatch(3);
            Thread outside = new Thread(() -> {
                noSuper.execute(() -> {
                    get(t + "/untraced-nosuper");
                    done.countDown();
                });
                fj.execute(() -> {
                    get(t + "/untraced-fj");
                    done.countDown();
                });
                fj.submit(() -> {
                    get(t + "/untraced-fj-submit");
                    done.countDown();
                });
            });
            outside.start();
            done.await();
            return "untraced";
        });
        add(ctx, "/virtual", t -> {
            // Java 21+ only (the app is built for 17): a virtual thread per task
            ExecutorService vt = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                    .invoke(null);
            try {
                CountDownLatch done = new CountDownLatch(1);
                int[] executed = new int[1];
                vt.execute(() -> {
                    executed[0] = get(t + "/vt-execute");
                    done.countDown();
                });
                done.await();
                return "virtual " + executed[0] + " " + vt.submit(() -> get(t + "/vt-submit")).get();
            } finally {
                vt.shutdown();
            }
        });
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /** A fork-join task of the application's own. */
    static final class Fetch extends RecursiveTask<Integer> {
        private final String url;

        Fetch(String url) {
            this.url = url;
        }

        @Override
        protected Integer compute() {
            return ThreadsApp.get(url);
        }
    }

    /** A task of the application's own type. */
    static final class Job implements Runnable {
        final String name;
        final String target;
        volatile int status;

        Job(String name, String target) {
            this.name = name;
            this.target = target;
        }

        @Override
        public void run() {
            status = get(target + "/queue");
        }
    }

    static String queue(String target) throws Exception {
        StringBuilder out = new StringBuilder();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("queue-pool")) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                super.beforeExecute(t, r);
                if (r instanceof Job) {
                    out.append(" before ").append(((Job) r).name);
                }
            }
        };
        pool.execute(() -> {
            blocked.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked.await();
        Job removed = new Job("removed", target);
        Job runs = new Job("runs", target);
        Job drained = new Job("drained", target);
        pool.execute(removed);
        pool.execute(runs);
        out.append("queued ").append(pool.getQueue().contains(removed)).append(' ')
                .append(pool.getQueue().contains(runs));
        out.append(" removed ").append(pool.remove(removed)).append(' ').append(pool.getQueue().size());
        gate.countDown();
        while (runs.status == 0) {
            Thread.sleep(5);
        }
        out.append(" status ").append(runs.status);
        CountDownLatch gate2 = new CountDownLatch(1);
        CountDownLatch blocked2 = new CountDownLatch(1);
        pool.execute(() -> {
            blocked2.countDown();
            try {
                gate2.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked2.await();
        pool.execute(drained);
        for (Runnable r : pool.shutdownNow()) {
            out.append(" drained ").append(((Job) r).name);
        }
        pool.awaitTermination(5, TimeUnit.SECONDS);
        return out.toString();
    }

    private static void add(Context ctx, String path, Work work) {
        String name = path.substring(1);
        Tomcat.addServlet(ctx, name, new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String result;
                try {
                    result = work.run(req.getParameter(path.equals("/fail") ? "where" : "target"));
                } catch (RuntimeException | IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
                resp.setContentType("text/plain");
                resp.getWriter().print(result);
            }
        });
        ctx.addServletMappingDecoded(path, name);
    }
}
