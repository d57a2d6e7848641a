package io.sightline.agent.plugins.apachehttpclient4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

/** The plugin's requirements hold against the real library and fail where it is absent. */
class ApacheHttpClient4PluginTest {
    @Test
    void requirementsHoldForTheLibraryAndNotWithoutIt() {
        ClassLoader withLibrary = getClass().getClassLoader();
        assertEquals(null, ApacheHttpClient4Plugin.REQUIREMENTS.missing(withLibrary));
        ClassLoader without = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertNotNull(ApacheHttpClient4Plugin.REQUIREMENTS.missing(without));
        assertEquals(false, ApacheHttpClient4Plugin.REQUIREMENTS.matches(without));
    }
}
