package io.sightline.agent.plugins.apachehttpclient5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

/** The plugin's requirements hold against the real library and fail where it is absent. */
class ApacheHttpClient5PluginTest {
    @Test
    void requirementsHoldForTheLibraryAndNotWithoutIt() {
        ClassLoader withLibrary = getClass().getClassLoader();
        assertEquals(null, ApacheHttpClient5Plugin.REQUIREMENTS.missing(withLibrary));
        ClassLoader without = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        assertNotNull(ApacheHttpClient5Plugin.REQUIREMENTS.missing(without));
        assertEquals(false, ApacheHttpClient5Plugin.REQUIREMENTS.matches(without));
        for (io.sightline.agent.plugin.Requirements async : new io.sightline.agent.plugin.Requirements[] {
                ApacheHttpClient5Plugin.ASYNC_REQUIREMENTS, ApacheHttpClient5Plugin.FUTURE_REQUIREMENTS}) {
            assertEquals(null, async.missing(withLibrary));
            assertNotNull(async.missing(without));
        }
    }
}
