package io.sightline.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sightline.agent.bridge.Bridge;

class AgentMainTest {
    @TempDir
    Path dir;

    /** The list premain reads by name must be exactly the compiled bridge package. */
    @Test
    void bridgeListMatchesTheBridgePackage() throws Exception {
        File pkg = new File(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI().resolve(AgentMain.BRIDGE_PATH));
        TreeSet<String> compiled = new TreeSet<>();
        for (String f : pkg.list()) {
            if (f.endsWith(".class")) {
                compiled.add(f.substring(0, f.length() - 6));
            }
        }
        assertEquals(compiled, new TreeSet<>(Arrays.asList(AgentMain.BRIDGE_CLASSES)));
    }

    @Test
    void readsTheListedClassesByName() throws Exception {
        File jar = jar("other/Thing.class", "io/sightline/agent/bridge/Bridge.class", "io/sightline/agent/bridge/BridgeHandler.class",
                "io/sightline/agent/bridge/Slotted.class", "inst/x.classdata");
        Map<String, byte[]> classes = AgentMain.bridgeClasses(jar);
        assertEquals(new TreeSet<>(Arrays.asList("io.sightline.agent.bridge.Bridge", "io.sightline.agent.bridge.BridgeHandler",
                "io.sightline.agent.bridge.Slotted")), new TreeSet<>(classes.keySet()));
        assertArrayEquals(bytesOf("io/sightline/agent/bridge/Slotted.class"), classes.get("io.sightline.agent.bridge.Slotted"));
    }

    @Test
    void fallsBackToTheWholeJarWhenAListedClassIsMissing() throws Exception {
        File jar = jar("io/sightline/agent/bridge/Bridge.class", "io/sightline/agent/bridge/Other.class", "inst/x.classdata");
        Map<String, byte[]> classes = AgentMain.bridgeClasses(jar);
        assertEquals(new TreeSet<>(Arrays.asList("io.sightline.agent.bridge.Bridge", "io.sightline.agent.bridge.Other")),
                new TreeSet<>(classes.keySet()));
    }

    private File jar(String... entries) throws IOException {
        File f = dir.resolve("agent.jar").toFile();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(f))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.write(bytesOf(e));
                out.closeEntry();
            }
        }
        return f;
    }

    private static byte[] bytesOf(String entry) {
        return ("content of " + entry).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
