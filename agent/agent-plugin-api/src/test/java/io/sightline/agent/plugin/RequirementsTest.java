package io.sightline.agent.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

class RequirementsTest {
    private final ClassLoader app = RequirementsTest.class.getClassLoader();

    @Test
    void answersPerLoaderWhateverTheOrderOfTheQuestions() throws Exception {
        Requirements junit = Requirements.create().type("org.junit.jupiter.api.Assertions").method("fail", "java.lang.String");
        // a loader of its own that sees the JDK only
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            for (int i = 0; i < 3; i++) {
                assertTrue(junit.matches(app));
                assertTrue(junit.matches(app)); // the same loader twice in a row
                assertFalse(junit.matches(bare));
                assertFalse(junit.matches(null));
                assertFalse(junit.matches(bare));
            }
        }
    }

    @Test
    void namesWhatIsMissing() {
        assertNull(Requirements.create().type("java.lang.String").method("isEmpty").missing(null));
        assertEquals("class org.example.Absent", Requirements.create().type("org.example.Absent").missing(app));
        assertEquals("method java.lang.String.noSuchMethod[int]",
                Requirements.create().type("java.lang.String").method("noSuchMethod", "int").missing(null));
    }
}
