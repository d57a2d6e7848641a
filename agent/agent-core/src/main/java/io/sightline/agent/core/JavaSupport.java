package io.sightline.agent.core;

import net.bytebuddy.ClassFileVersion;

/**
 * Which Java versions the agent runs on: 8 up to the newest class file version its ByteBuddy
 * can read. On any other JVM it must not touch a class: advice written for class files it cannot
 * parse would fail type by type, in the middle of the application's start.
 */
final class JavaSupport {
    static final int OLDEST = 8;

    private JavaSupport() {
    }

    /** The newest Java whose class files the agent's ByteBuddy understands. */
    static int newest() {
        return ClassFileVersion.latest().getJavaVersion();
    }

    /**
     * Why the agent can't run on the Java of {@code specificationVersion} ("1.8", "17", ...), or
     * null when it can.
     */
    static String problem(String specificationVersion, int newest) {
        int feature = featureVersion(specificationVersion);
        if (feature < 0) {
            return "Java version '" + specificationVersion + "' not recognised (the agent runs on Java "
                    + OLDEST + " to " + newest + ")";
        }
        if (feature < OLDEST || feature > newest) {
            return "Java " + feature + " is not supported (the agent runs on Java " + OLDEST + " to " + newest + ")";
        }
        return null;
    }

    /** 8 for "1.8", 17 for "17" or "17.0.2"; -1 when it is not a version. */
    static int featureVersion(String specificationVersion) {
        if (specificationVersion == null) {
            return -1;
        }
        String v = specificationVersion.trim();
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 4) {
            return -1;
        }
        return Integer.parseInt(v.substring(0, end));
    }
}
