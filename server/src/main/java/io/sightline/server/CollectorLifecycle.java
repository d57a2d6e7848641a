package io.sightline.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.collector.Collector;
import io.sightline.collector.CollectorConfig;
import io.sightline.collector.CollectorMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gRPC collector: started once storage is ready, stopped after the web and before storage
 * (stop accepting, finish in-flight batches, flush the server-map statistics).
 */
public class CollectorLifecycle implements SmartLifecycle {
    public static final int PHASE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(CollectorLifecycle.class);
    private final SightlineProperties props;
    private final StorageLifecycle storage;
    private final CollectorMetrics metrics;
    private volatile Collector collector;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile String problem = "waiting for storage";
    private Thread starter;

    public CollectorLifecycle(SightlineProperties props, StorageLifecycle storage, MeterRegistry registry) {
        this.props = props;
        this.storage = storage;
        this.metrics = new CollectorMetrics(registry);
    }

    @Override
    public void start() {
        running = true;
        starter = new Thread(this::startWhenStorageIsReady, "sightline-collector-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startWhenStorageIsReady() {
        try {
            while (!stopping && !storage.awaitReady(Duration.ofSeconds(1))) {
                // keep waiting; storage retries on its own
            }
            long backoff = 2_000;
            while (!stopping) {
                SightlineProperties.Collector c = props.getCollector();
                CollectorConfig cfg = CollectorConfig.defaults().withAddress(c.getAddress()).withPort(c.getPort())
                        .withToken(c.getToken()).withAdvertisedAddress(c.getAdvertisedAddress())
                        .withFlushInterval(c.getFlushInterval()).withMaxInflightBatches(c.getMaxInflightBatches())
                        .withMaxMessageBytes(c.getMaxMessageBytes());
                try {
                    Collector started = new Collector(storage.connection(), cfg, metrics).start();
                    synchronized (this) {
                        collector = started;
                        if (stopping) {
                            break;
                        }
                    }
                    problem = null;
                    return;
                } catch (Exception e) {
                    problem = "collector could not listen on " + c.getAddress() + ":" + c.getPort() + ": " + e.getMessage();
                    LOG.error("{}; retrying in {} s", problem, backoff / 1000);
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 30_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Collector collector() {
        return collector;
    }

    public boolean isReady() {
        Collector c = collector;
        return c != null && c.isRunning();
    }

    public String problem() {
        return problem;
    }

    @Override
    public void stop() {
        stopping = true;
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
        Collector c;
        synchronized (this) {
            c = collector;
            collector = null;
        }
        if (c != null) {
            LOG.info("Stopping the collector: no new calls, finishing in-flight batches, flushing server-map statistics");
            c.stop(Duration.ofSeconds(15));
            LOG.info("Collector stopped (server-map statistics flushed)");
        }
        problem = "stopped";
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
