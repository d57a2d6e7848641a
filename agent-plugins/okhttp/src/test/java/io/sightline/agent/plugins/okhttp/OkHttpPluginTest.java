package io.sightline.agent.plugins.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

/** The plugin's requirements hold against the real library and fail where it is absent. */
class OkHttpPluginTest {
    @Test
    void requirementsHoldForTheLibraryAndNotWithoutIt() {
        ClassLoader withLibrary = getClass().getClassLoader();
        assertEquals(null, OkHttpPlugin.REQUIREMENTS.missing(withLibrary));
        ClassLoader without = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertNotNull(OkHttpPlugin.REQUIREMENTS.missing(without));
        assertEquals(false, OkHttpPlugin.REQUIREMENTS.matches(without));
    }
}
