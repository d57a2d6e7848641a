package io.sightline.demo;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When started by {@code sightline-server --demo}, exits once that server process is gone, so a
 * server killed with SIGKILL leaves no demo JVM behind.
 */
@Component
class ParentWatchdog {
    private static final Logger log = LoggerFactory.getLogger(ParentWatchdog.class);

    private final long parentPid;
    private final ConfigurableApplicationContext context;

    ParentWatchdog(@Value("${demo.parent-pid:0}") long parentPid, ConfigurableApplicationContext context) {
        this.parentPid = parentPid;
        this.context = context;
    }

    @EventListener(ApplicationReadyEvent.class)
    void watch() {
        if (parentPid <= 0) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Thread t = new Thread(() -> {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.info("server process {} is gone; stopping the demo", parentPid);
            System.exit(SpringApplication.exit(context, () -> 0));
        }, "demo-parent-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
