package io.sightline.server;

import io.sightline.hbase.schema.SchemaCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The Sightline server: collector, web and storage in one process (each switchable with
 * {@code sightline.roles}). {@code schema ...} as first argument runs the schema tool instead.
 */
@SpringBootApplication(scanBasePackages = "io.sightline")
@EnableConfigurationProperties(SightlineProperties.class)
public class SightlineServer {

    public static void main(String[] args) {
        String jdkProblem = checkJdk(Runtime.version().feature());
        if (jdkProblem != null) {
            System.err.println(jdkProblem);
            System.exit(1);
        }
        if (args.length > 0 && args[0].equals("schema")) {
            System.exit(SchemaCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        SpringApplication.run(SightlineServer.class, args);
    }

    /** Null when this JDK can run the server, else the message to print. */
    static String checkJdk(int feature) {
        if (feature < 17 || feature > 22) {
            return "Sightline server needs JDK 17 to 22 (HBase's Hadoop code fails on 23 and later); this is JDK "
                    + feature + ". Run it with a JDK 17-22 'java'.";
        }
        return null;
    }
}
