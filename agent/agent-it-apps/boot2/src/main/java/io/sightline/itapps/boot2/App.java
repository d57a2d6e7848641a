package io.sightline.itapps.boot2;

import java.io.IOException;
import java.util.Map;

import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.catalina.util.ServerInfo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Spring Boot 2.7 on embedded Tomcat 9 (javax.servlet), for the agent tests. Prints "READY <port>". Endpoints: /owners/{ownerId},
 * /owners/{ownerId}/fail (throws), /unavailable/{code} (answers that status), /deferred/{ms}
 * (a DeferredResult set by another thread ms later), /servlet-async (a plain servlet whose
 * AsyncContext another thread completes 300 ms later), /tomcat (the Tomcat version).
 */
@SpringBootApplication
@RestController
public class App {

    @GetMapping("/owners/{ownerId}")
    public String owner(@PathVariable("ownerId") int ownerId) {
        return "owner " + ownerId;
    }

    @GetMapping("/owners/{ownerId}/fail")
    public String fail(@PathVariable("ownerId") int ownerId) {
        throw new IllegalStateException("boom " + ownerId);
    }

    @GetMapping("/unavailable/{code}")
    public ResponseEntity<String> unavailable(@PathVariable("code") int code) {
        return ResponseEntity.status(code).body("down");
    }

    @GetMapping("/deferred/{ms}")
    public DeferredResult<String> deferred(@PathVariable("ms") long ms) {
        DeferredResult<String> result = new DeferredResult<>(30_000L);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            result.setResult("deferred");
        }, "app-deferred");
        t.start();
        return result;
    }

    @GetMapping("/tomcat")
    public String tomcat() {
        return ServerInfo.getServerNumber();
    }

    @Bean
    public ServletRegistrationBean<HttpServlet> asyncServlet() {
        ServletRegistrationBean<HttpServlet> bean = new ServletRegistrationBean<>(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ac = req.startAsync();
                new Thread(() -> {
                    try {
                        Thread.sleep(300);
                        ac.getResponse().getWriter().print("async");
                    } catch (InterruptedException | IOException e) {
                        throw new IllegalStateException(e);
                    }
                    ac.complete();
                }, "app-async-worker").start();
            }
        }, "/servlet-async");
        bean.setAsyncSupported(true);
        return bean;
    }

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(App.class);
        app.setDefaultProperties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off", "logging.level.root", "WARN"));
        ConfigurableApplicationContext ctx = app.run(args);
        System.out.println("READY " + ctx.getEnvironment().getProperty("local.server.port"));
        System.out.flush();
    }
}
