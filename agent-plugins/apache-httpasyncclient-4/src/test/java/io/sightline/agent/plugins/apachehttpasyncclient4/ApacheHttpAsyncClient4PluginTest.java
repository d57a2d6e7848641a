package io.sightline.agent.plugins.apachehttpasyncclient4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.Requirements;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * The plugin applies to HttpAsyncClient 4.1 (on this class path: 4.1.5), to exactly the members
 * its advice expects, and not where the async client is absent (HttpClient 4.5 classic alone).
 */
class ApacheHttpAsyncClient4PluginTest {
    private final ClassLoader withLibrary = getClass().getClassLoader();

    @Test
    void requirementsHoldForTheLibrary() {
        assertNull(ApacheHttpAsyncClient4Plugin.REQUIREMENTS.missing(withLibrary));
        assertNull(ApacheHttpAsyncClient4Plugin.FUTURE_REQUIREMENTS.missing(withLibrary));
    }

    @Test
    void requirementsFailWithoutTheAsyncClient() throws Exception {
        ClassLoader nothing = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        // HttpClient 4.5 classic and HttpCore (BasicFuture is there) without httpasyncclient
        ClassLoader classicOnly = new URLClassLoader(jars("httpclient-4", "httpcore-4", "httpcore-nio-4"),
                ClassLoader.getPlatformClassLoader());
        for (ClassLoader without : new ClassLoader[] {nothing, classicOnly}) {
            for (Requirements r : new Requirements[] {
                    ApacheHttpAsyncClient4Plugin.REQUIREMENTS, ApacheHttpAsyncClient4Plugin.FUTURE_REQUIREMENTS}) {
                assertNotNull(r.missing(without));
                assertFalse(r.matches(without));
            }
        }
        assertEquals("class org.apache.http.impl.nio.client.DefaultClientExchangeHandlerImpl",
                ApacheHttpAsyncClient4Plugin.FUTURE_REQUIREMENTS.missing(classicOnly));
    }

    @Test
    void eachAdviceMatchesExactlyTheMembersItExpects() {
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(withLibrary));
        String[][] expected = {
                {ApacheHttpAsyncClient4Plugin.EXCHANGE, "ExchangeCreatedAdvice:1"},
                {ApacheHttpAsyncClient4Plugin.EXEC, "PrepareAdvice:1"},
                {ApacheHttpAsyncClient4Plugin.STATE, "FinalResponseAdvice:1"},
                {ApacheHttpAsyncClient4Plugin.HANDLER, "ExchangeFailedAdvice:1", "ExchangeCancelledAdvice:1"},
                {ApacheHttpAsyncClient4Plugin.FUTURE, "FutureAdvice:3"}, // completed, failed, cancel(boolean)
        };
        List<TypeInstrumentation> all = new ApacheHttpAsyncClient4Plugin().typeInstrumentations();
        assertEquals(expected.length, all.size());
        for (int i = 0; i < expected.length; i++) {
            TypeInstrumentation ti = all.get(i);
            TypeDescription type = pool.describe(expected[i][0]).resolve();
            assertTrue(ti.typeMatcher().matches(type), expected[i][0]);
            assertTrue(ti.classLoaderMatcher().matches(withLibrary));
            List<String> got = new ArrayList<>();
            ti.transform(new AdviceTarget() {
                @Override
                public AdviceTarget advice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
                    int n = type.getDeclaredMethods().filter(methods).size();
                    got.add(adviceClassName.substring(adviceClassName.lastIndexOf('.') + 1) + ":" + n);
                    return this;
                }
            });
            List<String> want = new ArrayList<>(List.of(expected[i]).subList(1, expected[i].length));
            assertEquals(want, got, expected[i][0]);
        }
    }

    /** Jars of the test class path whose file names start with these prefixes. */
    private static URL[] jars(String... prefixes) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            for (String prefix : prefixes) {
                if (name.startsWith(prefix) && name.endsWith(".jar")) {
                    urls.add(new File(entry).toURI().toURL());
                }
            }
        }
        assertEquals(prefixes.length, urls.size(), "jars " + List.of(prefixes));
        return urls.toArray(new URL[0]);
    }
}
